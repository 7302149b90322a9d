import { describe, expect, it } from "vitest";
import { createBusinessCalendar } from "../../src/core/calendar/index.ts";
import { deadlineState } from "../../src/core/deadlines.ts";
import { findReference, formatReference, parseReference, referenceRequest } from "../../src/core/reference.ts";

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

describe("radicado in a text", () => {
  it.each([
    ["estado RC-2026-000001", "RC-2026-000001"],
    ["¿cómo va el rc-2026-1?", "RC-2026-000001"],
    ["mi radicado es RC 2026 000123, gracias", "RC-2026-000123"],
    ["2026-000123", "RC-2026-000123"],
  ])("finds it in '%s'", (input, expected) => {
    expect(findReference(input)).toBe(expected);
  });
  it.each(["el 2026-03-24 pasó algo", "RC-2026-1 y RC-2026-2", "ARC-2026-1", "RC-2026-0000001", "hola"])(
    "finds none in '%s'",
    (input) => {
      expect(findReference(input)).toBeUndefined();
    },
  );
  it.each([
    ["RC-2026-000001", "RC-2026-000001"],
    ["estado RC-2026-000001", "RC-2026-000001"],
    ["¿cómo va el RC-2026-000001?", "RC-2026-000001"],
    ["estado de mi radicado rc-2026-1", "RC-2026-000001"],
    ["status of RC-2026-7", "RC-2026-000007"],
  ])("takes '%s' as a status request", (input, expected) => {
    expect(referenceRequest(input)).toBe(expected);
  });
  it.each([
    "quiero agregar información a mi pregunta RC-2026-000001 porque el hueco creció",
    "consultar el estado del radicado RC-2026-000001 por favor",
    "RC-2026-000001 y RC-2026-000002",
    "el 2026-03-24 hubo un corte de luz",
  ])("leaves '%s' as free text", (input) => {
    expect(referenceRequest(input)).toBeUndefined();
  });
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
