import { describe, expect, it } from "vitest";
import { createBusinessCalendar } from "../../src/core/calendar/index.ts";
import { deadlineState } from "../../src/core/deadlines.ts";
import { formatReference, parseReference } from "../../src/core/reference.ts";

describe("radicado", () => {
  it("formats with six digits", () => {
    expect(formatReference(2026, 123)).toBe("RC-2026-000123");
  });
  it.each([
    ["RC-2026-000123", "RC-2026-000123"],
    ["rc-2026-123", "RC-2026-000123"],
    ["RC 2026 000123", "RC-2026-000123"],
    ["2026-000123", "RC-2026-000123"],
    [" rc2026-7 ", "RC-2026-000007"],
  ])("reads '%s' as %s", (input, expected) => {
    expect(parseReference(input)).toBe(expected);
  });
  it.each(["", "hola", "RC-26-1", "RC-2026-0000000", "RC-2026-000000", "RC-2026-12a", "1999-000001"])(
    "rejects '%s'",
    (input) => {
      expect(parseReference(input)).toBeUndefined();
    },
  );
});

describe("deadline state", () => {
  const calendar = createBusinessCalendar();
  const state = (status: string, today: string) =>
    deadlineState({ status, dueDate: "2026-03-24", today, dueSoonBusinessDays: 3, calendar });
  it("is on time, due soon within 3 business days, then overdue", () => {
    expect(state("open", "2026-03-13")).toBe("on_time");
    expect(state("open", "2026-03-17")).toBe("on_time"); // 4 business days left: 18, 19, 20, 24 (23 is San José)
    expect(state("open", "2026-03-18")).toBe("due_soon"); // 3 left
    expect(state("open", "2026-03-19")).toBe("due_soon");
    expect(state("open", "2026-03-24")).toBe("due_soon");
    expect(state("open", "2026-03-25")).toBe("overdue");
  });
  it("is closed when answered and paused while waiting for the citizen", () => {
    expect(state("answered", "2026-04-30")).toBe("closed");
    expect(state("info_requested", "2026-04-30")).toBe("paused");
  });
});
