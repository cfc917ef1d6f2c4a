import { describe, expect, it } from "vitest";

import { FILTER_FIELDS } from "../../bindings/filterFields";
import { FIELDS, OPS } from "./filterFields";

describe("filter fields", () => {
  it("are the backend's fields, in its order", () => {
    expect(FIELDS.map((f) => f.id)).toEqual(FILTER_FIELDS.map((f) => f.id));
    expect(FIELDS.find((f) => f.id === "branch")?.kind).toBe("ref");
    expect(FIELDS.find((f) => f.id === "text")?.label).toBe("Words (full text)");
  });

  it("offer only operators the backend accepts for each field", () => {
    for (const field of FILTER_FIELDS) {
      const offered = OPS[field.kind];
      expect(offered.length, field.id).toBeGreaterThan(0);
      for (const op of offered) {
        expect(field.ops, `${field.id} ${op}`).toContain(op);
      }
    }
  });
});
