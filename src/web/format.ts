/** Dates and times for staff pages, in the entity's time zone and the page's language. */
import { formatLongDate, type LocalDate } from "../core/calendar/index.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(ms: number, locale: string, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "es-CO", {
      timeZone,
      dateStyle: "medium",
      timeStyle: "short",
    });
    formatters.set(key, format);
  }
  return format.format(new Date(ms));
}

export function formatLocalDate(date: LocalDate, locale: string): string {
  return formatLongDate(date, locale === "en" ? "en" : "es");
}
