import { describe, expect, it } from "vitest";
import { computeDueDate, createBusinessCalendar } from "../../src/core/calendar/index.ts";
import { checkExtension, EXTENSION_RULE, extensionLimitDate, type ExtensionCheck } from "../../src/core/extension.ts";

const calendar = createBusinessCalendar();

describe("extensionLimitDate (twice the initial term, Ley 1755 de 2015 art. 14 parágrafo)", () => {
  it("counts twice the term from the same first counted day", () => {
    const initial = computeDueDate({
      filedAt: new Date("2026-03-02T15:00:00Z"),
      termBusinessDays: 15,
      timeZone: "America/Bogota",
      officeHoursEnd: "17:00",
      calendar,
    });
    expect(initial.dueDate).toBe("2026-03-24");
    const limit = extensionLimitDate(initial.effectiveFilingDate, 15, calendar);
    // 30 business days from Tuesday 3 March: skips San José (23 March) and Holy Thursday and Friday.
    expect(limit).toBe("2026-04-16");
    expect(calendar.businessDaysBetween(initial.effectiveFilingDate, limit)).toBe(30);
  });

  it("crosses a year end", () => {
    expect(extensionLimitDate("2025-12-19", 10, calendar)).toBe("2026-01-21");
  });
});

describe("checkExtension", () => {
  const base: ExtensionCheck = {
    today: "2026-03-20",
    dueDate: "2026-03-24",
    newDate: "2026-04-10",
    limitDate: "2026-04-15",
    alreadyExtended: false,
    reason: "Falta un concepto técnico",
    calendar,
  };
  const check = (changes: Partial<ExtensionCheck>) => checkExtension({ ...base, ...changes });

  it("grants a later business day up to the limit, before the term ends, with a reason", () => {
    expect(check({})).toEqual({ ok: true });
    expect(check({ newDate: "2026-04-15" })).toEqual({ ok: true });
    expect(check({ today: "2026-03-24" })).toEqual({ ok: true }); // the due day itself is still within the term
  });

  it("refuses after the term ended, beyond twice the term, and a second time", () => {
    expect(check({ today: "2026-03-25" })).toEqual({ ok: false, error: "term_expired" });
    expect(check({ newDate: "2026-04-16" })).toEqual({ ok: false, error: "beyond_limit" });
    expect(check({ alreadyExtended: true })).toEqual({ ok: false, error: "already_extended" });
  });

  it("refuses a date that is not later, not a business day, malformed, or no reason", () => {
    expect(check({ newDate: "2026-03-24" })).toEqual({ ok: false, error: "not_later" });
    expect(check({ newDate: "2026-04-03" })).toEqual({ ok: false, error: "not_business_day" }); // Good Friday
    expect(check({ newDate: "2026-02-30" })).toEqual({ ok: false, error: "invalid_date" });
    expect(check({ reason: "  " })).toEqual({ ok: false, error: "reason_required" });
  });

  it("quotes the rule of the law", () => {
    expect(EXTENSION_RULE).toContain("antes del vencimiento del término");
    expect(EXTENSION_RULE).toContain("no podrá exceder del doble del inicialmente previsto");
  });
});
