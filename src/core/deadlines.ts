/** Where an open question stands against its legal due date. Pure. */
import type { BusinessCalendar, LocalDate } from "./calendar/index.ts";

export type DeadlineState = "on_time" | "due_soon" | "overdue" | "closed" | "paused";

/**
 * Whether the alcaldía's work on a question is over: answered, withdrawn (art. 17) or transferred
 * to the competent entity (art. 21). No action, reminder or escalation applies to it any more.
 */
export function isClosedStatus(status: string): boolean {
  return status === "answered" || status === "withdrawn" || status === "transferred";
}

/**
 * `overdue` once the due date has passed; `due_soon` when at most `dueSoonBusinessDays` business
 * days remain (the due day itself counts as 0 left); answered, withdrawn or transferred questions are `closed`;
 * a question waiting for the citizen's information is `paused` (Ley 1755 de 2015, art. 17).
 */
export function deadlineState(input: {
  status: string;
  dueDate: LocalDate;
  today: LocalDate;
  dueSoonBusinessDays: number;
  calendar: BusinessCalendar;
}): DeadlineState {
  if (isClosedStatus(input.status)) return "closed";
  if (input.status === "info_requested") return "paused";
  if (input.today > input.dueDate) return "overdue";
  return input.calendar.businessDaysBetween(input.today, input.dueDate) <= input.dueSoonBusinessDays
    ? "due_soon"
    : "on_time";
}
