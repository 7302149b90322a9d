import { describe, expect, it } from "vitest";
import { auditChanges } from "../../src/web/audit-changes.ts";

const dateTime = (ms: number) => `«${new Date(ms).toISOString()}»`;

describe("an audit entry as people read it", () => {
  it("lists only what changed, times as dates and lists as lists", () => {
    expect(
      auditChanges(
        { status: "open", dueAtMs: 1_796_000_000_000, officeKey: "salud", districts: ["c1"] },
        { status: "answered", dueAtMs: 1_796_000_000_000, officeKey: "salud", districts: ["c1", "c2"] },
        dateTime,
      ),
    ).toEqual([
      { field: "status", before: "open", after: "answered" },
      { field: "districts", before: "c1", after: "c1, c2" },
    ]);
  });

  it("shows everything of a creation or a refusal, with empty values as a dash", () => {
    expect(auditChanges(null, { id: 7, startsAtMs: 1_796_000_000_000, place: null, topics: [] }, dateTime)).toEqual([
      { field: "id", after: "7" },
      { field: "startsAtMs", after: "«2026-11-30T00:53:20.000Z»" },
      { field: "place", after: "—" },
      { field: "topics", after: "—" },
    ]);
    expect(auditChanges(undefined, { error: "not_allowed" }, dateTime)).toEqual([
      { field: "error", after: "not_allowed" },
    ]);
    // A small number is never taken for a date; nested values stay readable as JSON.
    expect(auditChanges({ count: 3 }, { count: 3, vars: { reason: "x" } }, dateTime)).toEqual([
      { field: "vars", before: "—", after: '{"reason":"x"}' },
    ]);
  });
});
