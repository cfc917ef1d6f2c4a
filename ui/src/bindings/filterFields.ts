// Generated from the filter field table in src-tauri/crates/storage/src/query/compile.rs; do not
// edit (`cargo test` rewrites it).
import type { FilterField } from "./FilterField";

export const FILTER_FIELDS: readonly FilterField[] = [
  {
    "id": "text",
    "label": "Words (full text)",
    "kind": "words",
    "ops": [
      "match",
      "phrase",
      "prefix"
    ]
  },
  {
    "id": "change",
    "label": "Changed lines (added or removed)",
    "kind": "lines",
    "ops": [
      "contains"
    ]
  },
  {
    "id": "added",
    "label": "Added lines",
    "kind": "lines",
    "ops": [
      "contains"
    ]
  },
  {
    "id": "removed",
    "label": "Removed lines",
    "kind": "lines",
    "ops": [
      "contains"
    ]
  },
  {
    "id": "author",
    "label": "Author",
    "kind": "text",
    "ops": [
      "eq",
      "ne",
      "in",
      "not_in",
      "like"
    ]
  },
  {
    "id": "committer",
    "label": "Committer",
    "kind": "text",
    "ops": [
      "eq",
      "ne",
      "in",
      "not_in",
      "like"
    ]
  },
  {
    "id": "message",
    "label": "Message",
    "kind": "text",
    "ops": [
      "eq",
      "ne",
      "in",
      "not_in",
      "like"
    ]
  },
  {
    "id": "path",
    "label": "Path",
    "kind": "path",
    "ops": [
      "eq",
      "ne",
      "in",
      "not_in",
      "like",
      "glob"
    ]
  },
  {
    "id": "date",
    "label": "Date",
    "kind": "date",
    "ops": [
      "eq",
      "ne",
      "gt",
      "gte",
      "lt",
      "lte",
      "in",
      "not_in"
    ]
  },
  {
    "id": "author_date",
    "label": "Author date",
    "kind": "date",
    "ops": [
      "eq",
      "ne",
      "gt",
      "gte",
      "lt",
      "lte",
      "in",
      "not_in"
    ]
  },
  {
    "id": "hash",
    "label": "Hash",
    "kind": "hash",
    "ops": [
      "eq",
      "ne",
      "in",
      "not_in"
    ]
  },
  {
    "id": "additions",
    "label": "Additions",
    "kind": "int",
    "ops": [
      "eq",
      "ne",
      "gt",
      "gte",
      "lt",
      "lte",
      "in",
      "not_in"
    ]
  },
  {
    "id": "deletions",
    "label": "Deletions",
    "kind": "int",
    "ops": [
      "eq",
      "ne",
      "gt",
      "gte",
      "lt",
      "lte",
      "in",
      "not_in"
    ]
  },
  {
    "id": "files_changed",
    "label": "Files changed",
    "kind": "int",
    "ops": [
      "eq",
      "ne",
      "gt",
      "gte",
      "lt",
      "lte",
      "in",
      "not_in"
    ]
  },
  {
    "id": "merge",
    "label": "Merge commit",
    "kind": "bool",
    "ops": [
      "eq",
      "ne"
    ]
  },
  {
    "id": "branch",
    "label": "Branch or tag",
    "kind": "ref",
    "ops": [
      "eq",
      "ne",
      "in",
      "not_in"
    ]
  },
  {
    "id": "repository",
    "label": "Repository",
    "kind": "text",
    "ops": [
      "eq",
      "ne",
      "in",
      "not_in",
      "like"
    ]
  },
  {
    "id": "workspace",
    "label": "Workspace",
    "kind": "text",
    "ops": [
      "eq",
      "ne",
      "in",
      "not_in",
      "like"
    ]
  }
];
