/**
 * National holidays created, moved or abolished by laws newer than the holiday package Rinde uses
 * (`colombian-holidays`). When Congress changes the holidays, add ONE line to {@link HOLIDAY_LAWS}
 * with the law's citation: the calendar, its version ({@link NATIONAL_CALENDAR_VERSION}) and so the
 * start-up recomputation of open questions' due dates follow by themselves, and the citizens whose
 * answer date moves later are told which law moved it.
 *
 * Pure data and pure functions: no clock, no I/O.
 */
import type { LocalDate } from "./local-date.ts";

/** When a holiday falls, as the law states it. */
export type HolidayRule =
  /** Always on that day (`MM-DD`). */
  | { kind: "fixed"; monthDay: string }
  /** Ley 51 de 1983 (Ley Emiliani): moved to the next Monday unless it already falls on one. */
  | { kind: "emiliani"; monthDay: string };

/** One law's change to the national holidays, in force from `fromYear` (inclusive). */
export type HolidayLaw =
  /** A new holiday (or, with `replaces`, a holiday moved: the package's `replaces` is dropped). */
  | { law: string; fromYear: number; name: string; rule: HolidayRule; replaces?: string }
  /** A holiday abolished: the package's holiday named `removes` is dropped. */
  | { law: string; fromYear: number; removes: string };

/**
 * Laws the holiday package does not know yet, oldest first. Names are the official Spanish ones;
 * `replaces`/`removes` name a holiday as the package spells it (see `rinde calendar holidays`).
 */
export const HOLIDAY_LAWS: readonly HolidayLaw[] = [
  {
    law: "Ley 2578 de 2026",
    fromYear: 2026,
    name: "Nuestra Señora del Rosario de Chiquinquirá",
    rule: { kind: "emiliani", monthDay: "07-09" },
  },
];

/**
 * Version of the national calendar in force: changes whenever a line of {@link HOLIDAY_LAWS}
 * changes. Stored at start-up; a different one means due dates may have moved.
 */
export const NATIONAL_CALENDAR_VERSION = `laws-${HOLIDAY_LAWS.length}-${fnv1a(JSON.stringify(HOLIDAY_LAWS))}`;

/** The laws' citations, in order (what a citizen is told moved their date). */
export function holidayLawCitations(laws: readonly HolidayLaw[] = HOLIDAY_LAWS): string[] {
  return [...new Set(laws.map((l) => l.law))];
}

/** A holiday as one year observes it. */
export interface ObservedHoliday {
  date: LocalDate;
  name: string;
  /** The law that created or moved it, for holidays from {@link HOLIDAY_LAWS}. */
  law?: string;
}

/**
 * `packageHolidays` (one year, as the package gives them) changed by the laws in force that year.
 * `weekdayOf` is passed in (0 = Sunday) so this module stays free of date arithmetic of its own.
 */
export function applyHolidayLaws(
  year: number,
  packageHolidays: readonly ObservedHoliday[],
  weekdayOf: (date: LocalDate) => number,
  addDays: (date: LocalDate, days: number) => LocalDate,
  laws: readonly HolidayLaw[] = HOLIDAY_LAWS,
): ObservedHoliday[] {
  let holidays = [...packageHolidays];
  for (const law of laws) {
    if (year < law.fromYear) continue;
    if ("removes" in law) {
      holidays = holidays.filter((h) => h.name !== law.removes);
      continue;
    }
    if (law.replaces) holidays = holidays.filter((h) => h.name !== law.replaces);
    const day = `${year}-${law.rule.monthDay}`;
    const date = law.rule.kind === "fixed" ? day : addDays(day, (8 - weekdayOf(day)) % 7);
    holidays.push({ date, name: law.name, law: law.law });
  }
  return holidays;
}

/** 32-bit FNV-1a as 8 hex digits: a stable short digest without node:crypto (core does no I/O). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
