import { getHolidaysForYear, isHoliday } from "colombian-holidays";
import { describe, expect, it } from "vitest";
import {
  applyHolidayLaws,
  HOLIDAY_LAWS,
  type HolidayLaw,
  NATIONAL_CALENDAR_VERSION,
} from "../../src/core/calendar/holiday-laws.ts";
import {
  addCalendarDays,
  weekdayOf,
  CalendarError,
  computeDueDate,
  createBusinessCalendar,
  formatLongDate,
  type LocalDate,
  toLocalDate,
} from "../../src/core/calendar/index.ts";

// ---------------------------------------------------------------------------------------------
// The official list, written out by hand from the law (not from the package):
// fixed dates; Ley 51 de 1983 (Ley Emiliani) days moved to the next Monday unless already one;
// Easter-based days (Holy Thursday −3, Good Friday −2 from Easter Sunday; Ascensión +43,
// Corpus Christi +64, Sagrado Corazón +71, all Mondays). 2025-06-30 and 2030-07-01 carry two.
// Ley 2578 de 2026 adds Nuestra Señora del Rosario de Chiquinquirá (9 July, Ley Emiliani) from 2026.
// ---------------------------------------------------------------------------------------------

type HolidayRule = (
  { kind: "fixed"; monthDay: string } | { kind: "emiliani"; monthDay: string } | { kind: "easter"; offsetDays: number }
) & { sinceYear?: number; law?: string };

const RULES: Record<string, HolidayRule> = {
  "Año Nuevo": { kind: "fixed", monthDay: "01-01" },
  "Reyes Magos": { kind: "emiliani", monthDay: "01-06" },
  "San José": { kind: "emiliani", monthDay: "03-19" },
  "Jueves Santo": { kind: "easter", offsetDays: -3 },
  "Viernes Santo": { kind: "easter", offsetDays: -2 },
  "Día del Trabajo": { kind: "fixed", monthDay: "05-01" },
  "Ascensión del Señor": { kind: "easter", offsetDays: 43 },
  "Corpus Christi": { kind: "easter", offsetDays: 64 },
  "Sagrado Corazón": { kind: "easter", offsetDays: 71 },
  "San Pedro y San Pablo": { kind: "emiliani", monthDay: "06-29" },
  "Día de la Independencia": { kind: "fixed", monthDay: "07-20" },
  "Batalla de Boyacá": { kind: "fixed", monthDay: "08-07" },
  "Asunción de la Virgen": { kind: "emiliani", monthDay: "08-15" },
  "Día de la Raza": { kind: "emiliani", monthDay: "10-12" },
  "Todos los Santos": { kind: "emiliani", monthDay: "11-01" },
  "Independencia de Cartagena": { kind: "emiliani", monthDay: "11-11" },
  "Inmaculada Concepción": { kind: "fixed", monthDay: "12-08" },
  Navidad: { kind: "fixed", monthDay: "12-25" },
  "Nuestra Señora del Rosario de Chiquinquirá": {
    kind: "emiliani",
    monthDay: "07-09",
    sinceYear: 2026,
    law: "Ley 2578 de 2026",
  },
};

/** Holidays that laws newer than the colombian-holidays package created (it does not list them). */
const NEWER_THAN_PACKAGE = new Set(
  Object.entries(RULES)
    .filter(([, rule]) => rule.law !== undefined)
    .map(([name]) => name),
);

const EASTER_SUNDAY: Record<number, LocalDate> = {
  2024: "2024-03-31",
  2025: "2025-04-20",
  2026: "2026-04-05",
  2027: "2027-03-28",
  2028: "2028-04-16",
  2029: "2029-04-01",
  2030: "2030-04-21",
};

const OFFICIAL_HOLIDAYS: Record<number, [LocalDate, string][]> = {
  2024: [
    ["2024-01-01", "Año Nuevo"],
    ["2024-01-08", "Reyes Magos"],
    ["2024-03-25", "San José"],
    ["2024-03-28", "Jueves Santo"],
    ["2024-03-29", "Viernes Santo"],
    ["2024-05-01", "Día del Trabajo"],
    ["2024-05-13", "Ascensión del Señor"],
    ["2024-06-03", "Corpus Christi"],
    ["2024-06-10", "Sagrado Corazón"],
    ["2024-07-01", "San Pedro y San Pablo"],
    ["2024-07-20", "Día de la Independencia"],
    ["2024-08-07", "Batalla de Boyacá"],
    ["2024-08-19", "Asunción de la Virgen"],
    ["2024-10-14", "Día de la Raza"],
    ["2024-11-04", "Todos los Santos"],
    ["2024-11-11", "Independencia de Cartagena"],
    ["2024-12-08", "Inmaculada Concepción"],
    ["2024-12-25", "Navidad"],
  ],
  2025: [
    ["2025-01-01", "Año Nuevo"],
    ["2025-01-06", "Reyes Magos"],
    ["2025-03-24", "San José"],
    ["2025-04-17", "Jueves Santo"],
    ["2025-04-18", "Viernes Santo"],
    ["2025-05-01", "Día del Trabajo"],
    ["2025-06-02", "Ascensión del Señor"],
    ["2025-06-23", "Corpus Christi"],
    ["2025-06-30", "Sagrado Corazón"],
    ["2025-06-30", "San Pedro y San Pablo"],
    ["2025-07-20", "Día de la Independencia"],
    ["2025-08-07", "Batalla de Boyacá"],
    ["2025-08-18", "Asunción de la Virgen"],
    ["2025-10-13", "Día de la Raza"],
    ["2025-11-03", "Todos los Santos"],
    ["2025-11-17", "Independencia de Cartagena"],
    ["2025-12-08", "Inmaculada Concepción"],
    ["2025-12-25", "Navidad"],
  ],
  2026: [
    ["2026-01-01", "Año Nuevo"],
    ["2026-01-12", "Reyes Magos"],
    ["2026-03-23", "San José"],
    ["2026-04-02", "Jueves Santo"],
    ["2026-04-03", "Viernes Santo"],
    ["2026-05-01", "Día del Trabajo"],
    ["2026-05-18", "Ascensión del Señor"],
    ["2026-06-08", "Corpus Christi"],
    ["2026-06-15", "Sagrado Corazón"],
    ["2026-06-29", "San Pedro y San Pablo"],
    ["2026-07-13", "Nuestra Señora del Rosario de Chiquinquirá"],
    ["2026-07-20", "Día de la Independencia"],
    ["2026-08-07", "Batalla de Boyacá"],
    ["2026-08-17", "Asunción de la Virgen"],
    ["2026-10-12", "Día de la Raza"],
    ["2026-11-02", "Todos los Santos"],
    ["2026-11-16", "Independencia de Cartagena"],
    ["2026-12-08", "Inmaculada Concepción"],
    ["2026-12-25", "Navidad"],
  ],
  2027: [
    ["2027-01-01", "Año Nuevo"],
    ["2027-01-11", "Reyes Magos"],
    ["2027-03-22", "San José"],
    ["2027-03-25", "Jueves Santo"],
    ["2027-03-26", "Viernes Santo"],
    ["2027-05-01", "Día del Trabajo"],
    ["2027-05-10", "Ascensión del Señor"],
    ["2027-05-31", "Corpus Christi"],
    ["2027-06-07", "Sagrado Corazón"],
    ["2027-07-05", "San Pedro y San Pablo"],
    ["2027-07-12", "Nuestra Señora del Rosario de Chiquinquirá"],
    ["2027-07-20", "Día de la Independencia"],
    ["2027-08-07", "Batalla de Boyacá"],
    ["2027-08-16", "Asunción de la Virgen"],
    ["2027-10-18", "Día de la Raza"],
    ["2027-11-01", "Todos los Santos"],
    ["2027-11-15", "Independencia de Cartagena"],
    ["2027-12-08", "Inmaculada Concepción"],
    ["2027-12-25", "Navidad"],
  ],
  2028: [
    ["2028-01-01", "Año Nuevo"],
    ["2028-01-10", "Reyes Magos"],
    ["2028-03-20", "San José"],
    ["2028-04-13", "Jueves Santo"],
    ["2028-04-14", "Viernes Santo"],
    ["2028-05-01", "Día del Trabajo"],
    ["2028-05-29", "Ascensión del Señor"],
    ["2028-06-19", "Corpus Christi"],
    ["2028-06-26", "Sagrado Corazón"],
    ["2028-07-03", "San Pedro y San Pablo"],
    ["2028-07-10", "Nuestra Señora del Rosario de Chiquinquirá"],
    ["2028-07-20", "Día de la Independencia"],
    ["2028-08-07", "Batalla de Boyacá"],
    ["2028-08-21", "Asunción de la Virgen"],
    ["2028-10-16", "Día de la Raza"],
    ["2028-11-06", "Todos los Santos"],
    ["2028-11-13", "Independencia de Cartagena"],
    ["2028-12-08", "Inmaculada Concepción"],
    ["2028-12-25", "Navidad"],
  ],
  2029: [
    ["2029-01-01", "Año Nuevo"],
    ["2029-01-08", "Reyes Magos"],
    ["2029-03-19", "San José"],
    ["2029-03-29", "Jueves Santo"],
    ["2029-03-30", "Viernes Santo"],
    ["2029-05-01", "Día del Trabajo"],
    ["2029-05-14", "Ascensión del Señor"],
    ["2029-06-04", "Corpus Christi"],
    ["2029-06-11", "Sagrado Corazón"],
    ["2029-07-02", "San Pedro y San Pablo"],
    ["2029-07-09", "Nuestra Señora del Rosario de Chiquinquirá"],
    ["2029-07-20", "Día de la Independencia"],
    ["2029-08-07", "Batalla de Boyacá"],
    ["2029-08-20", "Asunción de la Virgen"],
    ["2029-10-15", "Día de la Raza"],
    ["2029-11-05", "Todos los Santos"],
    ["2029-11-12", "Independencia de Cartagena"],
    ["2029-12-08", "Inmaculada Concepción"],
    ["2029-12-25", "Navidad"],
  ],
  2030: [
    ["2030-01-01", "Año Nuevo"],
    ["2030-01-07", "Reyes Magos"],
    ["2030-03-25", "San José"],
    ["2030-04-18", "Jueves Santo"],
    ["2030-04-19", "Viernes Santo"],
    ["2030-05-01", "Día del Trabajo"],
    ["2030-06-03", "Ascensión del Señor"],
    ["2030-06-24", "Corpus Christi"],
    ["2030-07-01", "Sagrado Corazón"],
    ["2030-07-01", "San Pedro y San Pablo"],
    ["2030-07-15", "Nuestra Señora del Rosario de Chiquinquirá"],
    ["2030-07-20", "Día de la Independencia"],
    ["2030-08-07", "Batalla de Boyacá"],
    ["2030-08-19", "Asunción de la Virgen"],
    ["2030-10-14", "Día de la Raza"],
    ["2030-11-04", "Todos los Santos"],
    ["2030-11-11", "Independencia de Cartagena"],
    ["2030-12-08", "Inmaculada Concepción"],
    ["2030-12-25", "Navidad"],
  ],
};

const YEARS = Object.keys(OFFICIAL_HOLIDAYS).map(Number);
const MONDAY = 1;

// Independent date helpers (plain Date.UTC), so the list is not checked with the code under test.
function utcMidnight(date: LocalDate): Date {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day));
}
const weekday = (date: LocalDate): number => utcMidnight(date).getUTCDay();
const plusDays = (date: LocalDate, days: number): LocalDate =>
  new Date(utcMidnight(date).getTime() + days * 86_400_000).toISOString().slice(0, 10);
const daysFrom = (from: LocalDate, to: LocalDate): number =>
  (utcMidnight(to).getTime() - utcMidnight(from).getTime()) / 86_400_000;

/** Bogotá is UTC−5 all year (no DST): a Bogotá wall-clock time as an instant. */
const bogota = (date: LocalDate, time: string): Date => new Date(`${date}T${time}-05:00`);

describe("official holiday list 2024–2030 (self-check of the literal list against the rules)", () => {
  for (const year of YEARS) {
    it(`${year}: every entry follows its rule`, () => {
      const entries = OFFICIAL_HOLIDAYS[year] ?? [];
      const inForce = Object.entries(RULES)
        .filter(([, rule]) => (rule.sinceYear ?? 0) <= year)
        .map(([name]) => name);
      expect(entries).toHaveLength(inForce.length);
      expect(new Set(entries.map(([, name]) => name))).toEqual(new Set(inForce));
      for (const [date, name] of entries) {
        const rule = RULES[name];
        expect(rule, name).toBeDefined();
        if (!rule) continue;
        expect(date.startsWith(`${year}-`), `${date} ${name}`).toBe(true);
        if (rule.kind === "fixed") expect(date, name).toBe(`${year}-${rule.monthDay}`);
        if (rule.kind === "emiliani") {
          const moveDays = daysFrom(`${year}-${rule.monthDay}`, date);
          expect(weekday(date), `${date} ${name} is a Monday`).toBe(MONDAY);
          expect(moveDays, `${date} ${name} is the next Monday`).toBeGreaterThanOrEqual(0);
          expect(moveDays, `${date} ${name} is the next Monday`).toBeLessThanOrEqual(6);
        }
        if (rule.kind === "easter") {
          expect(date, name).toBe(plusDays(EASTER_SUNDAY[year] ?? "", rule.offsetDays));
          const expectedWeekday = rule.offsetDays === -3 ? 4 : rule.offsetDays === -2 ? 5 : MONDAY;
          expect(weekday(date), `${date} ${name}`).toBe(expectedWeekday);
        }
      }
    });
  }
});

describe("colombian-holidays package against the official list", () => {
  for (const year of YEARS) {
    it(`${year}: the same holidays, in both directions`, () => {
      // The package predates Ley 2578 de 2026: it is checked on the holidays it knows of.
      const official = (OFFICIAL_HOLIDAYS[year] ?? []).filter(([, name]) => !NEWER_THAN_PACKAGE.has(name));
      const packageDates = getHolidaysForYear(year).map((holiday) => holiday.celebrationDate);
      expect([...packageDates].sort()).toEqual(official.map(([date]) => date).sort());
      for (const [date, name] of official) expect(isHoliday(utcMidnight(date)), `${date} ${name}`).toBe(true);
    });

    it(`${year}: the calendar treats exactly the official dates as holidays`, () => {
      const calendar = createBusinessCalendar();
      const officialDates = new Set((OFFICIAL_HOLIDAYS[year] ?? []).map(([date]) => date));
      expect(calendar.holidays(year).map((holiday) => holiday.date)).toEqual([...officialDates].sort());
      for (const date of officialDates) expect(calendar.isBusinessDay(date), date).toBe(false);
      const holidaysSeen = calendar
        .nonBusinessDaysBetween(`${year}-01-01`, `${year}-12-31`)
        .filter((day) => day.reason === "holiday")
        .map((day) => day.date);
      expect(holidaysSeen).toEqual([...officialDates].sort());
    });
  }

  it("counts 245 business days in 2025 (365 − 104 weekend days − 16 weekday holidays)", () => {
    expect(createBusinessCalendar().businessDaysBetween("2024-12-31", "2025-12-31")).toBe(245);
  });
});

describe("createBusinessCalendar", () => {
  const calendar = createBusinessCalendar();

  it("excludes weekends and holidays, keeps ordinary weekdays", () => {
    expect(calendar.isBusinessDay("2025-12-09")).toBe(true); // Tuesday
    expect(calendar.isBusinessDay("2025-12-06")).toBe(false); // Saturday
    expect(calendar.isBusinessDay("2025-12-07")).toBe(false); // Sunday
    expect(calendar.isBusinessDay("2025-12-08")).toBe(false); // Inmaculada Concepción, Monday
    expect(calendar.isBusinessDay("2026-01-06")).toBe(true); // Reyes moved to 2026-01-12
    expect(calendar.isBusinessDay("2025-12-24")).toBe(true); // Christmas Eve is not a national holiday
  });

  it("adds business days across a holiday, a year end and Holy Week", () => {
    expect(calendar.addBusinessDays("2025-12-05", 1)).toBe("2025-12-09");
    expect(calendar.addBusinessDays("2025-12-19", 15)).toBe("2026-01-14");
    expect(calendar.addBusinessDays("2026-03-31", 2)).toBe("2026-04-06");
  });

  it("counts Ley 2578 de 2026's holiday (issue 18.1: a term across it ends a day later)", () => {
    expect(calendar.addBusinessDays("2026-06-26", 15)).toBe("2026-07-22");
    for (const date of ["2026-07-13", "2027-07-12", "2030-07-15"])
      expect(calendar.isBusinessDay(date), date).toBe(false);
    expect(calendar.isBusinessDay("2025-07-14")).toBe(true); // not before the law's first year
  });

  it("adds 0 days: the date itself if a business day, else the next one", () => {
    expect(calendar.addBusinessDays("2025-12-09", 0)).toBe("2025-12-09");
    expect(calendar.addBusinessDays("2025-12-06", 0)).toBe("2025-12-09");
  });

  it("rejects a negative or fractional day count and malformed dates", () => {
    expect(() => calendar.addBusinessDays("2025-12-09", -1)).toThrow(CalendarError);
    expect(() => calendar.addBusinessDays("2025-12-09", 1.5)).toThrow(/integer/);
    expect(() => calendar.isBusinessDay("2025-02-30")).toThrow(
      expect.objectContaining({ code: "calendar.invalid_date" }),
    );
    expect(() => calendar.isBusinessDay("9/12/2025")).toThrow(
      expect.objectContaining({ code: "calendar.invalid_date" }),
    );
    expect(() => calendar.isBusinessDay("1500-01-03")).toThrow(
      expect.objectContaining({ code: "calendar.year_out_of_range" }),
    );
    expect(() => createBusinessCalendar({ localNonWorkingDays: ["2025-13-01"] })).toThrow(CalendarError);
  });

  it("finds the next business day strictly after a date", () => {
    expect(calendar.nextBusinessDay("2025-12-09")).toBe("2025-12-10");
    expect(calendar.nextBusinessDay("2025-12-05")).toBe("2025-12-09");
    expect(calendar.nextBusinessDay("2025-12-31")).toBe("2026-01-02");
  });

  it("counts business days in (from, to], negative when reversed", () => {
    expect(calendar.businessDaysBetween("2025-12-05", "2025-12-12")).toBe(4);
    expect(calendar.businessDaysBetween("2025-12-12", "2025-12-05")).toBe(-4);
    expect(calendar.businessDaysBetween("2025-12-09", "2025-12-09")).toBe(0);
    expect(calendar.businessDaysBetween("2025-12-06", "2025-12-08")).toBe(0);
    expect(calendar.businessDaysBetween("2025-12-08", "2025-12-09")).toBe(1);
    expect(calendar.businessDaysBetween("2025-12-19", "2026-01-14")).toBe(15);
  });

  it("is consistent: businessDaysBetween undoes addBusinessDays from a business day", () => {
    for (let n = 1; n <= 40; n += 1) {
      expect(calendar.businessDaysBetween("2026-03-20", calendar.addBusinessDays("2026-03-20", n))).toBe(n);
    }
  });

  it("lists non-business days with reasons and names", () => {
    expect(calendar.nonBusinessDaysBetween("2025-12-05", "2025-12-14")).toEqual([
      { date: "2025-12-06", reason: "saturday" },
      { date: "2025-12-07", reason: "sunday" },
      { date: "2025-12-08", reason: "holiday", name: "Inmaculada Concepción" },
      { date: "2025-12-13", reason: "saturday" },
      { date: "2025-12-14", reason: "sunday" },
    ]);
    // A holiday on a Sunday is reported as the holiday.
    expect(calendar.nonBusinessDaysBetween("2024-12-08", "2024-12-08")).toEqual([
      { date: "2024-12-08", reason: "holiday", name: "Inmaculada Concepción" },
    ]);
    expect(calendar.nonBusinessDaysBetween("2025-12-14", "2025-12-05")).toEqual([]);
  });

  it("merges two holidays on one date into one entry with both names", () => {
    const june30 = calendar.holidays(2025).filter((holiday) => holiday.date === "2025-06-30");
    expect(june30).toHaveLength(1);
    expect(june30[0]?.name).toMatch(/Sagrado Coraz/);
    expect(june30[0]?.name).toMatch(/San Pedro y San Pablo/);
  });

  it("adds a profile's local non-working days to the year they fall in", () => {
    const local = createBusinessCalendar({ localNonWorkingDays: ["2025-12-17", "2026-02-02"] });
    expect(local.isBusinessDay("2025-12-17")).toBe(false);
    expect(calendar.isBusinessDay("2025-12-17")).toBe(true);
    const holidays2025 = local.holidays(2025);
    expect(holidays2025).toHaveLength(18);
    expect(holidays2025.slice(-3)).toEqual([
      { date: "2025-12-08", name: "Inmaculada Concepción", kind: "national" },
      { date: "2025-12-17", name: expect.any(String), kind: "local" },
      { date: "2025-12-25", name: "Navidad", kind: "national" },
    ]);
    expect(
      local
        .holidays(2026)
        .filter((holiday) => holiday.kind === "local")
        .map((holiday) => holiday.date),
    ).toEqual(["2026-02-02"]);
    expect(local.nonBusinessDaysBetween("2025-12-17", "2025-12-17")).toEqual([
      { date: "2025-12-17", reason: "local", name: expect.any(String) },
    ]);
  });
});

describe("toLocalDate", () => {
  it("maps UTC instants near midnight to the Bogotá civil date (UTC−5)", () => {
    expect(toLocalDate(new Date("2025-12-10T04:59:59Z"), "America/Bogota")).toBe("2025-12-09");
    expect(toLocalDate(new Date("2025-12-10T05:00:00Z"), "America/Bogota")).toBe("2025-12-10");
    expect(toLocalDate(new Date("2026-01-01T03:00:00Z"), "America/Bogota")).toBe("2025-12-31");
    expect(toLocalDate(new Date("2025-12-10T03:00:00Z"))).toBe("2025-12-09");
  });

  it("honours other zones and rejects unknown ones", () => {
    expect(toLocalDate(new Date("2025-12-09T20:00:00Z"), "Asia/Tokyo")).toBe("2025-12-10");
    expect(() => toLocalDate(new Date("2025-12-09T20:00:00Z"), "America/Medellin_")).toThrow(
      expect.objectContaining({ code: "calendar.invalid_time_zone" }),
    );
    expect(() => toLocalDate(new Date("not a date"), "America/Bogota")).toThrow(
      expect.objectContaining({ code: "calendar.invalid_instant" }),
    );
  });
});

describe("computeDueDate", () => {
  const calendar = createBusinessCalendar();
  const due = (filedAt: Date, termBusinessDays = 15, cal = calendar) =>
    computeDueDate({ filedAt, termBusinessDays, timeZone: "America/Bogota", officeHoursEnd: "17:00", calendar: cal });

  it("counts from the day after filing and skips a holiday", () => {
    const result = due(bogota("2025-12-03", "10:00:00"));
    expect(result).toMatchObject({
      filedAt: "2025-12-03T15:00:00.000Z",
      filedOn: "2025-12-03",
      effectiveFilingDate: "2025-12-03",
      firstCountedDay: "2025-12-04",
      termBusinessDays: 15,
      dueDate: "2025-12-26",
    });
    expect(result.skipped.filter((day) => day.reason === "holiday").map((day) => day.date)).toEqual([
      "2025-12-08",
      "2025-12-25",
    ]);
  });

  it("crosses the year end: filed 2025-12-19 with 15 days is due 2026-01-14", () => {
    const result = due(bogota("2025-12-19", "10:00:00"));
    expect(result.firstCountedDay).toBe("2025-12-22");
    expect(result.dueDate).toBe("2026-01-14");
    expect(result.skipped.map((day) => `${day.date} ${day.reason}`)).toEqual([
      "2025-12-20 saturday",
      "2025-12-21 sunday",
      "2025-12-25 holiday",
      "2025-12-27 saturday",
      "2025-12-28 sunday",
      "2026-01-01 holiday",
      "2026-01-03 saturday",
      "2026-01-04 sunday",
      "2026-01-10 saturday",
      "2026-01-11 sunday",
      "2026-01-12 holiday",
    ]);
  });

  it("crosses Holy Week 2026 (Thursday and Friday off)", () => {
    const result = due(bogota("2026-03-30", "09:00:00"), 10);
    expect(result.dueDate).toBe("2026-04-15");
    expect(result.skipped.slice(0, 2)).toEqual([
      { date: "2026-04-02", reason: "holiday", name: "Jueves Santo" },
      { date: "2026-04-03", reason: "holiday", name: "Viernes Santo" },
    ]);
  });

  it("takes a Saturday filing as filed on the next business day (here Tuesday, Monday is a holiday)", () => {
    const result = due(bogota("2025-12-06", "10:00:00"));
    expect(result).toMatchObject({
      filedOn: "2025-12-06",
      effectiveFilingDate: "2025-12-09",
      firstCountedDay: "2025-12-10",
      dueDate: "2025-12-31",
    });
    expect(result.skipped[0]).toEqual({ date: "2025-12-06", reason: "saturday" });
  });

  it("takes a Sunday filing before a holiday Monday as filed on Tuesday", () => {
    const result = due(bogota("2026-03-22", "11:00:00"), 10);
    expect(result).toMatchObject({
      effectiveFilingDate: "2026-03-24",
      firstCountedDay: "2026-03-25",
      dueDate: "2026-04-09",
    });
  });

  it("takes a filing on a holiday as filed on the next business day", () => {
    const result = due(bogota("2025-11-17", "11:00:00"), 10);
    expect(result).toMatchObject({
      effectiveFilingDate: "2025-11-18",
      firstCountedDay: "2025-11-19",
      dueDate: "2025-12-02",
    });
  });

  it("moves a filing at or after office-hours end to the next business day, not one just before", () => {
    expect(due(bogota("2025-12-09", "17:30:00"))).toMatchObject({
      filedOn: "2025-12-09",
      effectiveFilingDate: "2025-12-10",
      firstCountedDay: "2025-12-11",
      dueDate: "2026-01-02",
    });
    expect(due(bogota("2025-12-09", "17:00:00")).effectiveFilingDate).toBe("2025-12-10");
    expect(due(bogota("2025-12-09", "16:59:59"))).toMatchObject({
      effectiveFilingDate: "2025-12-09",
      dueDate: "2025-12-31",
    });
    expect(due(bogota("2025-12-05", "18:00:00")).effectiveFilingDate).toBe("2025-12-09");
  });

  it("reads office hours and the filing date in the zone, not in UTC", () => {
    // 15:00 in Bogotá is 20:00 UTC: inside office hours although past 17:00 UTC.
    expect(due(new Date("2025-12-05T20:00:00Z")).effectiveFilingDate).toBe("2025-12-05");
    // 22:00 on Dec 9 in Bogotá is already Dec 10 in UTC.
    expect(due(new Date("2025-12-10T03:00:00Z"))).toMatchObject({
      filedOn: "2025-12-09",
      effectiveFilingDate: "2025-12-10",
    });
  });

  it("shifts the due date by a profile's local non-working day", () => {
    const local = createBusinessCalendar({ localNonWorkingDays: ["2025-12-17"] });
    const result = due(bogota("2025-12-03", "10:00:00"), 15, local);
    expect(result.dueDate).toBe("2025-12-29");
    expect(result.skipped).toContainEqual({ date: "2025-12-17", reason: "local", name: expect.any(String) });
  });

  it("rejects an invalid term or office-hours end", () => {
    expect(() => due(bogota("2025-12-03", "10:00:00"), 0)).toThrow(
      expect.objectContaining({ code: "calendar.invalid_day_count" }),
    );
    expect(() =>
      computeDueDate({
        filedAt: bogota("2025-12-03", "10:00:00"),
        termBusinessDays: 15,
        timeZone: "America/Bogota",
        officeHoursEnd: "5pm",
        calendar,
      }),
    ).toThrow(expect.objectContaining({ code: "calendar.invalid_clock_time" }));
  });
});

describe("formatLongDate", () => {
  it("states a date in Spanish and English", () => {
    expect(formatLongDate("2025-12-09", "es")).toBe("martes 9 de diciembre de 2025");
    expect(formatLongDate("2025-12-09", "en")).toBe("Tuesday, December 9, 2025");
  });

  it("never shifts the day at a year boundary", () => {
    expect(formatLongDate("2026-01-01", "es")).toBe("jueves 1 de enero de 2026");
    expect(formatLongDate("2025-12-31", "en")).toBe("Wednesday, December 31, 2025");
  });
});

describe("holiday laws newer than the package (one line per law)", () => {
  const base = [
    { date: "2031-03-24", name: "San José" },
    { date: "2031-12-25", name: "Navidad" },
  ];
  const apply = (laws: HolidayLaw[], year = 2031) => applyHolidayLaws(year, base, weekdayOf, addCalendarDays, laws);

  it("adds, moves and abolishes a holiday from the law's first year on, citing the law", () => {
    const added = apply([
      { law: "Ley X de 2030", fromYear: 2031, name: "Nuevo", rule: { kind: "fixed", monthDay: "05-05" } },
    ]);
    expect(added).toContainEqual({ date: "2031-05-05", name: "Nuevo", law: "Ley X de 2030" });
    expect(
      apply([{ law: "Ley X de 2030", fromYear: 2032, name: "Nuevo", rule: { kind: "fixed", monthDay: "05-05" } }]),
    ).toEqual(base);
    const moved = apply([
      {
        law: "Ley Y",
        fromYear: 2031,
        name: "San José",
        replaces: "San José",
        rule: { kind: "emiliani", monthDay: "04-02" },
      },
    ]);
    expect(moved.filter((h) => h.name === "San José")).toEqual([
      { date: "2031-04-07", name: "San José", law: "Ley Y" },
    ]);
    expect(apply([{ law: "Ley Z", fromYear: 2031, removes: "Navidad" }])).toEqual([base[0]]);
  });

  it("cites Ley 2578 de 2026 and versions the calendar by its laws", () => {
    expect(HOLIDAY_LAWS.map((l) => l.law)).toContain("Ley 2578 de 2026");
    expect(NATIONAL_CALENDAR_VERSION).toMatch(/^laws-\d+-[0-9a-f]{8}$/);
  });
});
