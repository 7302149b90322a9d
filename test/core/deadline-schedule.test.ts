import { describe, expect, it } from "vitest";
import { createBusinessCalendar } from "../../src/core/calendar/index.ts";
import {
  addCalendarMonths,
  alertStages,
  isWithinOfficeHours,
  localTimeToMs,
  monthTermEnd,
  nextOfficeOpeningMs,
  nextStage,
  reachedStage,
  subtractBusinessDays,
} from "../../src/core/deadline-schedule.ts";
import { parseStaffCommand } from "../../src/core/staff-commands.ts";

const calendar = createBusinessCalendar();
const TZ = "America/Bogota";
const hours = { start: "08:00", end: "17:00", timeZone: TZ, calendar };
/** An instant given as Bogotá wall-clock time (UTC−5, no DST). */
const bogota = (date: string, time: string) => Date.parse(`${date}T${time}:00-05:00`);

describe("localTimeToMs", () => {
  it("turns a Bogotá wall-clock time into the UTC instant", () => {
    expect(localTimeToMs("2026-03-02", "08:00", TZ)).toBe(Date.UTC(2026, 2, 2, 13, 0));
    expect(localTimeToMs("2025-12-31", "23:30", TZ)).toBe(Date.UTC(2026, 0, 1, 4, 30));
  });

  it("follows a zone with daylight saving time", () => {
    expect(localTimeToMs("2026-07-01", "08:00", "Europe/Madrid")).toBe(Date.UTC(2026, 6, 1, 6, 0));
    expect(localTimeToMs("2026-01-15", "08:00", "Europe/Madrid")).toBe(Date.UTC(2026, 0, 15, 7, 0));
  });
});

describe("subtractBusinessDays", () => {
  it("steps back over weekends, holidays, Holy Week and a year end", () => {
    expect(subtractBusinessDays("2026-03-24", 2, calendar)).toBe("2026-03-19"); // over San José (Mon 23) and the weekend
    expect(subtractBusinessDays("2026-04-07", 3, calendar)).toBe("2026-03-31"); // over Holy Thursday and Friday
    expect(subtractBusinessDays("2026-01-14", 5, calendar)).toBe("2026-01-06"); // over Reyes (Mon 12 Jan)
    expect(subtractBusinessDays("2026-01-05", 2, calendar)).toBe("2025-12-31"); // over the weekend and 1 January
    expect(subtractBusinessDays("2026-03-24", 0, calendar)).toBe("2026-03-24");
  });

  it("undoes addBusinessDays", () => {
    for (const [date, days] of [
      ["2026-03-24", 5],
      ["2026-04-15", 10],
      ["2026-01-14", 15],
    ] as const) {
      expect(calendar.addBusinessDays(subtractBusinessDays(date, days, calendar), days)).toBe(date);
    }
  });
});

describe("alertStages", () => {
  it("puts reminders 5 and 2 business days before and on the due day at opening, then the escalation", () => {
    // Due Tuesday 24 March 2026 (San José moved to Monday 23).
    const stages = alertStages("2026-03-24", [5, 2, 0], hours);
    expect(stages.map((s) => `${s.id} ${s.date}`)).toEqual([
      "r5 2026-03-16",
      "r2 2026-03-19",
      "r0 2026-03-24",
      "overdue 2026-03-25",
    ]);
    expect(stages[0]!.atMs).toBe(bogota("2026-03-16", "08:00"));
    expect(stages.map((s) => s.kind)).toEqual(["reminder", "reminder", "reminder", "overdue"]);
    expect(stages[1]!.businessDaysLeft).toBe(2);
  });

  it("escalates on the first business day after the due date (here after Holy Week)", () => {
    const stages = alertStages("2026-04-01", [2, 0], hours);
    expect(stages.map((s) => `${s.id} ${s.date}`)).toEqual(["r2 2026-03-30", "r0 2026-04-01", "overdue 2026-04-06"]);
  });

  it("ignores duplicate points and sorts whatever order the profile gives", () => {
    expect(alertStages("2026-03-24", [0, 2, 2, 5], hours).map((s) => s.id)).toEqual(["r5", "r2", "r0", "overdue"]);
    expect(alertStages("2026-03-24", [], hours).map((s) => s.id)).toEqual(["overdue"]);
  });

  it("finds the next stage to plan and the stage reached after downtime", () => {
    const stages = alertStages("2026-03-24", [5, 2, 0], hours);
    expect(nextStage(stages, bogota("2026-03-02", "10:00"))?.id).toBe("r5");
    expect(nextStage(stages, bogota("2026-03-16", "08:00"))?.id).toBe("r2");
    expect(nextStage(stages, bogota("2026-03-26", "08:00"))).toBeUndefined();
    expect(reachedStage(stages, bogota("2026-03-02", "10:00"))).toBeUndefined();
    expect(reachedStage(stages, bogota("2026-03-20", "09:00"))?.id).toBe("r2");
    expect(reachedStage(stages, bogota("2026-04-20", "09:00"))?.id).toBe("overdue");
  });
});

describe("office hours", () => {
  it("is open from opening to closing on business days only", () => {
    expect(isWithinOfficeHours(bogota("2026-03-02", "08:00"), hours)).toBe(true);
    expect(isWithinOfficeHours(bogota("2026-03-02", "07:59"), hours)).toBe(false);
    expect(isWithinOfficeHours(bogota("2026-03-02", "17:00"), hours)).toBe(false);
    expect(isWithinOfficeHours(bogota("2026-03-07", "10:00"), hours)).toBe(false); // Saturday
    expect(isWithinOfficeHours(bogota("2026-03-23", "10:00"), hours)).toBe(false); // San José
  });

  it("finds the next opening: today before opening, else the next business day", () => {
    expect(nextOfficeOpeningMs(bogota("2026-03-02", "06:00"), hours)).toBe(bogota("2026-03-02", "08:00"));
    expect(nextOfficeOpeningMs(bogota("2026-03-02", "22:00"), hours)).toBe(bogota("2026-03-03", "08:00"));
    expect(nextOfficeOpeningMs(bogota("2026-03-20", "18:00"), hours)).toBe(bogota("2026-03-24", "08:00")); // Fri → Tue after San José
    expect(nextOfficeOpeningMs(bogota("2026-04-01", "18:00"), hours)).toBe(bogota("2026-04-06", "08:00")); // Holy Week
  });
});

describe("month terms (incomplete petitions, Ley 1755 art. 17; Ley 4 de 1913 arts. 59, 62)", () => {
  it("adds calendar months, clamping to the end of a shorter month", () => {
    expect(addCalendarMonths("2026-03-09", 1)).toBe("2026-04-09");
    expect(addCalendarMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addCalendarMonths("2028-01-31", 1)).toBe("2028-02-29");
    expect(addCalendarMonths("2025-12-15", 1)).toBe("2026-01-15");
    expect(addCalendarMonths("2026-03-31", -1)).toBe("2026-02-28");
  });

  it("ends a month after on the same day number, moved to the next business day when that is not one", () => {
    expect(monthTermEnd("2026-03-09", 1, calendar)).toBe("2026-04-09");
    expect(monthTermEnd("2026-03-02", 1, calendar)).toBe("2026-04-06"); // 2 April is Holy Thursday
    expect(monthTermEnd("2025-12-01", 1, calendar)).toBe("2026-01-02"); // 1 January
    expect(monthTermEnd("2026-02-07", 1, calendar)).toBe("2026-03-09"); // Saturday 7 March
  });
});

describe("the /prorroga staff command", () => {
  it("parses the radicado, the new date and the reason, with or without accent", () => {
    expect(parseStaffCommand("/prorroga rc-2026-000001 2026-04-10 Falta el concepto de la oficina jurídica")).toEqual({
      ok: true,
      command: {
        kind: "extend",
        reference: "RC-2026-000001",
        date: "2026-04-10",
        reason: "Falta el concepto de la oficina jurídica",
      },
    });
    expect(parseStaffCommand("/PRÓRROGA@RindeBot RC-2026-000001 2026-04-10 motivo").ok).toBe(true);
  });

  it("asks for the usage when the date or the reason is missing", () => {
    expect(parseStaffCommand("/prorroga RC-2026-000001 10/04/2026 motivo")).toMatchObject({
      ok: false,
      error: "usage",
      command: "extend",
    });
    expect(parseStaffCommand("/prorroga RC-2026-000001 2026-04-10")).toMatchObject({
      ok: false,
      error: "usage",
      command: "extend",
    });
  });
});
