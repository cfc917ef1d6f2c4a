import { describe, expect, it } from "vitest";

import { groupRefs, shortRefName } from "./refs";

describe("refs", () => {
  it("gives the short name the branch field takes", () => {
    expect(shortRefName("refs/heads/main")).toBe("main");
    expect(shortRefName("refs/heads/feature/x")).toBe("feature/x");
    expect(shortRefName("refs/tags/v1.0")).toBe("v1.0");
    expect(shortRefName("HEAD")).toBe("HEAD");
  });

  it("groups branches and tags, sorted with numbers in order, leaving other refs out", () => {
    const refs = [
      { name: "refs/tags/v1.10", kind: "tag" as const, target: "a" },
      { name: "refs/heads/main", kind: "branch" as const, target: "b" },
      { name: "refs/tags/v1.2", kind: "tag" as const, target: "c" },
      { name: "refs/heads/dev", kind: "branch" as const, target: "d" },
      { name: "refs/notes/commits", kind: "other" as const, target: "e" },
    ];
    expect(groupRefs(refs)).toEqual({ branches: ["dev", "main"], tags: ["v1.2", "v1.10"] });
  });
});
