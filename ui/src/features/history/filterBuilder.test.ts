import { describe, expect, it } from "vitest";

import type { Filter } from "../../bindings/Filter";
import { builderToFilter, changeField, filterToBuilder, newRow, rowValue, sameFilter, withoutBlankRows, type Builder, type Row } from "./filterBuilder";
import { FIELDS, OPS } from "./filterFields";
import { filterToSearchText } from "./searchText";

const row = (field: string, op: Row["op"], value: string, negate = false): Row => ({ id: 0, field, op, value, negate });
const value = (r: Row) => {
  const result = rowValue(r);
  return "value" in result ? result.value : `!${result.error}`;
};
const shape = (b: Builder | null) => b && { combinator: b.combinator, rows: b.rows.map(({ id: _id, ...rest }) => rest) };

describe("rowValue: values checked by the field's type", () => {
  it("reads whole numbers for counts", () => {
    expect(value(row("additions", "gt", " 10 "))).toBe(10);
    expect(value(row("deletions", "in", "1, 2,3"))).toEqual([1, 2, 3]);
    expect(value(row("files_changed", "gte", "ten"))).toBe('!"ten" is not a whole number');
    expect(value(row("additions", "gt", "1.5"))).toBe('!"1.5" is not a whole number');
    expect(value(row("additions", "gt", ""))).toBe("!give a value");
  });

  it("reads dates as YYYY-MM-DD, RFC 3339 or Unix seconds, and rejects others", () => {
    expect(value(row("date", "gte", "2024-01-31"))).toBe("2024-01-31");
    expect(value(row("author_date", "lt", "2024-01-31T12:00:00+01:00"))).toBe("2024-01-31T12:00:00+01:00");
    expect(value(row("date", "gte", "1700000000"))).toBe(1700000000);
    expect(value(row("date", "gte", "2024-02-30"))).toBe("!2024-02-30 is not a calendar date");
    expect(value(row("date", "gte", "last tuesday"))).toMatch(/^!"last tuesday" is not a date/);
    expect(value(row("date", "gte", "2024-01-31T12:00"))).toMatch(/is not a date/);
  });

  it("reads hashes, booleans, words and text", () => {
    expect(value(row("hash", "eq", "abcd12"))).toBe("abcd12");
    expect(value(row("hash", "eq", "abc"))).toBe('!"abc" is not a hash prefix (4 to 64 hex digits)');
    expect(value(row("hash", "eq", "xyz123"))).toMatch(/not a hash prefix/);
    expect(value(row("merge", "eq", "false"))).toBe(false);
    expect(value(row("text", "match", "fix crash"))).toBe("fix crash");
    expect(value(row("text", "match", "--"))).toBe("!give at least one word");
    expect(value(row("change", "contains", " x = 1"))).toBe(" x = 1");
    expect(value(row("added", "contains", "a\nb"))).toBe("!give text within one line");
    expect(value(row("author", "like", "%Alice Kim%"))).toBe("%Alice Kim%");
    expect(value(row("branch", "eq", "main"))).toBe("main");
    expect(value(row("author", "in", " , "))).toBe("!give at least one value");
  });

  it("refuses an operator the field does not take and an unknown field", () => {
    expect(value(row("message", "gt", "x"))).toBe('!"gt" does not apply to message');
    expect(value(row("colour", "eq", "x"))).toBe('!unknown field "colour"');
  });

  it("offers for each field only operators the backend accepts", () => {
    for (const field of FIELDS) expect(OPS[field.kind].length).toBeGreaterThan(0);
    expect(OPS.words).toEqual(["match", "phrase", "prefix"]);
    expect(OPS.lines).toEqual(["contains"]);
    expect(OPS.bool).toEqual(["eq", "ne"]);
  });
});

describe("builderToFilter", () => {
  it("joins valid rows with the combinator and negates rows", () => {
    const builder: Builder = {
      combinator: "or",
      rows: [row("author", "like", "%alice%"), { ...row("path", "glob", "*.md", true), id: 2 }],
    };
    expect(builderToFilter(builder)).toEqual({
      filter: { or: [{ field: "author", op: "like", value: "%alice%" }, { not: { field: "path", op: "glob", value: "*.md" } }] },
      errors: new Map(),
    });
  });

  it("gives no filter, and each bad row's problem, when a row is invalid", () => {
    const bad = { ...row("additions", "gt", "lots"), id: 7 };
    const result = builderToFilter({ combinator: "and", rows: [row("author", "like", "%a%"), bad] });
    expect(result.filter).toBeNull();
    expect([...result.errors]).toEqual([[7, '"lots" is not a whole number']]);
  });

  it("gives no filter for no rows", () => {
    expect(builderToFilter({ combinator: "and", rows: [] })).toEqual({ filter: null, errors: new Map() });
  });
});

describe("filterToBuilder", () => {
  it("reads a flat and/or of conditions and negated conditions", () => {
    const filter: Filter = {
      and: [
        { field: "author", op: "like", value: "%alice%" },
        { not: { field: "text", op: "match", value: "wip" } },
        { field: "additions", op: "in", value: [1, 2] },
        { field: "merge", op: "eq", value: true },
      ],
    };
    expect(shape(filterToBuilder(filter))).toEqual({
      combinator: "and",
      rows: [
        { field: "author", op: "like", value: "%alice%", negate: false },
        { field: "text", op: "match", value: "wip", negate: true },
        { field: "additions", op: "in", value: "1, 2", negate: false },
        { field: "merge", op: "eq", value: "true", negate: false },
      ],
    });
    expect(shape(filterToBuilder({ field: "hash", op: "eq", value: "abcd" }))?.rows).toHaveLength(1);
    expect(shape(filterToBuilder(null))).toEqual({ combinator: "and", rows: [] });
  });

  it("gives null for nested groups and an empty or", () => {
    expect(filterToBuilder({ and: [{ or: [{ field: "author", op: "like", value: "%a%" }] }] })).toBeNull();
    expect(filterToBuilder({ not: { and: [] } })).toBeNull();
    expect(filterToBuilder({ or: [] })).toBeNull();
  });
});

describe("round trips between builder, filter and search text", () => {
  it("filter → builder → filter gives the filter back", () => {
    const filters: Filter[] = [
      { and: [{ field: "author", op: "like", value: "%alice%" }, { not: { field: "path", op: "glob", value: "src/*.rs" } }] },
      { or: [{ field: "additions", op: "gt", value: 10 }, { field: "date", op: "gte", value: "2024-01-01" }] },
      { and: [{ field: "hash", op: "in", value: ["abcd", "ef01"] }, { field: "merge", op: "eq", value: false }] },
    ];
    for (const filter of filters) expect(builderToFilter(filterToBuilder(filter)!).filter).toEqual(filter);
  });

  it("builder rows that the syntax can write give text; an or across fields does not", () => {
    const and: Builder = { combinator: "and", rows: [row("author", "like", "%bob%"), row("date", "lt", "2024-06-01", true)] };
    expect(filterToSearchText(builderToFilter(and).filter)).toEqual({ ok: true, text: "author:bob -before:2024-06-01" });
    const or: Builder = { ...and, combinator: "or" };
    expect(filterToSearchText(builderToFilter(or).filter).ok).toBe(false);
  });
});

describe("editing rows", () => {
  it("starts a row with the field's usual operator", () => {
    expect(newRow("author")).toMatchObject({ op: "like", value: "" });
    expect(newRow("merge")).toMatchObject({ op: "eq", value: "true" });
    expect(newRow("path").op).toBe("glob");
    expect(newRow("a").id).not.toBe(newRow("a").id);
  });

  it("keeps the operator and value when the new field is of the same kind, else resets them", () => {
    expect(changeField(row("author", "eq", "x"), "committer")).toMatchObject({ field: "committer", op: "eq", value: "x" });
    expect(changeField(row("author", "in", "x"), "additions")).toMatchObject({ op: "in", value: "" });
    expect(changeField(row("author", "like", "x"), "date")).toMatchObject({ op: "gte", value: "" });
    expect(changeField(row("date", "gte", "x"), "merge")).toMatchObject({ op: "eq", value: "true" });
  });
});

describe("blank rows and comparing filters", () => {
  it("leaves out rows whose value is still blank", () => {
    const b: Builder = { combinator: "and", rows: [row("author", "like", "%a%"), row("path", "glob", "  ")] };
    expect(withoutBlankRows(b).rows.map((r) => r.field)).toEqual(["author"]);
  });

  it("treats no filter and an empty and as the same", () => {
    expect(sameFilter(null, { and: [] })).toBe(true);
    expect(sameFilter({ field: "author", op: "like", value: "%a%" }, { field: "author", op: "like", value: "%a%" })).toBe(true);
    expect(sameFilter({ and: [{ field: "author", op: "like", value: "%a%" }] }, null)).toBe(false);
  });
});
