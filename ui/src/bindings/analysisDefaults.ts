// Generated from the default exclusions in src-tauri/crates/analysis/src/filters.rs; do not
// edit (`cargo test` rewrites it).
import type { AnalysisKind } from "./AnalysisKind";

/** What each kind leaves out unless `default_excludes` is off. */
export const DEFAULT_EXCLUDES: Record<AnalysisKind, { exclude: readonly string[]; exclude_authors: readonly string[] }> = {
  "activity": {
    "exclude": [],
    "exclude_authors": []
  },
  "authors": {
    "exclude": [],
    "exclude_authors": [
      "*[bot]*",
      "dependabot*"
    ]
  },
  "churn": {
    "exclude": [
      "*.lock",
      "package-lock.json",
      "npm-shrinkwrap.json",
      "pnpm-lock.yaml",
      "go.sum",
      "node_modules/",
      "bower_components/",
      "vendor/",
      "dist/",
      "*.min.js",
      "*.min.css"
    ],
    "exclude_authors": []
  },
  "coupling": {
    "exclude": [
      "*.lock",
      "package-lock.json",
      "npm-shrinkwrap.json",
      "pnpm-lock.yaml",
      "go.sum",
      "node_modules/",
      "bower_components/",
      "vendor/",
      "dist/",
      "*.min.js",
      "*.min.css"
    ],
    "exclude_authors": []
  },
  "hotspots": {
    "exclude": [
      "*.lock",
      "package-lock.json",
      "npm-shrinkwrap.json",
      "pnpm-lock.yaml",
      "go.sum",
      "node_modules/",
      "bower_components/",
      "vendor/",
      "dist/",
      "*.min.js",
      "*.min.css"
    ],
    "exclude_authors": []
  },
  "ownership": {
    "exclude": [],
    "exclude_authors": [
      "*[bot]*",
      "dependabot*"
    ]
  },
  "structure": {
    "exclude": [],
    "exclude_authors": []
  },
  "techspec": {
    "exclude": [],
    "exclude_authors": []
  }
};
