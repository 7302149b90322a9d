import { toEpochDay, type LocalDate } from "./local-date.ts";

/** Languages {@link formatLongDate} speaks. */
export type LongDateLocale = "es" | "en";

type DatePartType = "weekday" | "day" | "month" | "year";

const formats = new Map<LongDateLocale, Intl.DateTimeFormat>();

function longDateFormat(locale: LongDateLocale): Intl.DateTimeFormat {
  let format = formats.get(locale);
  if (!format) {
    // UTC on a UTC-midnight instant: the civil date never shifts, whatever the host's zone.
    format = new Intl.DateTimeFormat(locale === "es" ? "es-CO" : "en-US", {
      timeZone: "UTC",
      calendar: "gregory",
      numberingSystem: "latn",
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
    });
    formats.set(locale, format);
  }
  return format;
}

/**
 * A civil date in plain words: es → "martes 9 de diciembre de 2025", en → "Tuesday, December 9, 2025".
 * Words come from Intl; the order and punctuation are fixed here so ICU versions cannot change them.
 * @throws CalendarError `calendar.invalid_date` when `date` is malformed.
 */
export function formatLongDate(date: LocalDate, locale: LongDateLocale): string {
  const instant = new Date(toEpochDay(date) * 86_400_000);
  const parts: Partial<Record<DatePartType, string>> = {};
  for (const part of longDateFormat(locale).formatToParts(instant)) {
    if (part.type === "weekday" || part.type === "day" || part.type === "month" || part.type === "year")
      parts[part.type] = part.value;
  }
  const { weekday, day, month, year } = parts;
  return locale === "es" ? `${weekday} ${day} de ${month} de ${year}` : `${weekday}, ${month} ${day}, ${year}`;
}
