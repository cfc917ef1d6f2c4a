import { describe, expect, it } from "vitest";

import type { Filter } from "../../bindings/Filter";
import { filterToSearchText } from "./searchText";

const c = (field: string, op: string, value: string | number | boolean): Filter => ({ field, op, value });
const text = (filter: Filter | null) => {
  const result = filterToSearchText(filter);
  return result.ok ? result.text : `!${result.reason}`;
};

describe("filterToSearchText", () => {
  // The filter of syntax.rs's own test, written back as the text it came from.
  it("writes the example of the syntax back as typed", () => {
    const filter: Filter = {
      and: [
        c("author", "like", "%alice%"),
        c("path", "glob", "src/*.rs"),
        c("date", "gte", "2024-01-01"),
        { not: c("author", "like", "%bot%") },
        c("text", "phrase", "fix crash"),
      ],
    };
    expect(text(filter)).toBe('author:alice path:src/*.rs after:2024-01-01 -author:bot "fix crash"');
  });

  it("writes every key the syntax has", () => {
    const filter: Filter = {
      and: [
        c("author", "like", "%Alice Kim%"),
        c("committer", "like", "%ci%"),
        c("message", "like", "%fix%"),
        c("path", "like", "docs/%"),
        c("repository", "eq", "demo"),
        c("hash", "eq", "abc123"),
        c("date", "lt", "2025-01-01"),
        c("merge", "eq", false),
        c("merge", "eq", true),
        c("branch", "eq", "v1.0"),
        c("text", "match", "crash"),
        { not: c("text", "match", "flaky") },
        c("text", "prefix", "cach"),
        c("change", "contains", "unwrap()"),
        c("added", "contains", "TODO: fix"),
        { not: c("removed", "contains", "dbg!") },
      ],
    };
    expect(text(filter)).toBe(
      'author:"Alice Kim" committer:ci message:fix path:docs/ repo:demo hash:abc123 before:2025-01-01 merge:no merge:yes branch:v1.0 crash -flaky cach* change:unwrap() added:"TODO: fix" -removed:dbg!',
    );
  });

  it("gives an empty text for no filter, an empty and, and takes a lone condition or a one-part or", () => {
    expect(text(null)).toBe("");
    expect(text({ and: [] })).toBe("");
    expect(text(c("author", "like", "%a%"))).toBe("author:a");
    expect(text({ or: [c("author", "like", "%a%")] })).toBe("author:a");
  });

  it("quotes phrases; words that would read otherwise have no bare form", () => {
    expect(text(c("text", "phrase", "a:b"))).toBe('"a:b"');
    expect(text(c("text", "phrase", "-x"))).toBe('"-x"');
    expect(text(c("text", "match", "a:b"))).toMatch(/^!the condition/);
    expect(text(c("text", "match", "fix crash"))).toMatch(/^!the condition/);
    expect(text(c("text", "match", "cach*"))).toMatch(/^!the condition/);
  });

  it("says why an or, a nested group or an empty or has no text form", () => {
    expect(text({ or: [c("author", "like", "%a%"), c("path", "glob", "*.md")] })).toBe(
      "!conditions joined by “or” (it joins them by “and”)",
    );
    expect(text({ and: [{ and: [c("author", "like", "%a%")] }] })).toBe("!nested groups");
    expect(text({ not: { or: [c("author", "like", "%a%")] } })).toBe("!nested groups");
    expect(text({ or: [] })).toBe("!an empty “or”, which matches nothing");
  });

  it("refuses conditions the syntax cannot write, naming them", () => {
    const cannot = [
      c("additions", "gt", 10),
      c("author", "eq", "alice"),
      c("author", "like", "alice%"),
      c("author", "like", "%%"),
      c("path", "glob", "README.md"),
      c("path", "like", "src/*%"),
      c("date", "gte", 1700000000),
      c("date", "gt", "2024-01-01"),
      c("author_date", "gte", "2024-01-01"),
      c("workspace", "eq", "default"),
      c("merge", "ne", true),
      c("author", "like", '%say "hi"%'),
      c("text", "phrase", 'say "hi"'),
      c("change", "contains", 'say "hi"'),
    ];
    for (const filter of cannot) expect(text({ and: [filter] })).toMatch(/^!the condition /);
    expect(text({ and: [c("additions", "gt", 10)] })).toBe('!the condition additions gt 10');
  });

  it("writes a negated phrase as -\"a b\"", () => {
    expect(text({ and: [{ not: c("text", "phrase", "fix crash") }] })).toBe('-"fix crash"');
    expect(text({ and: [c("text", "phrase", "-literal")] })).toBe('"-literal"');
  });
});
