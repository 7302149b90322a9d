/** Where an open question stands against its legal due date. Pure. */
import type { BusinessCalendar, LocalDate } from "./calendar/index.ts";

export type DeadlineState = "on_time" | "due_soon" | "overdue" | "closed" | "paused";

/**
 * `overdue` once the due date has passed; `due_soon` when at most `dueSoonBusinessDays` business
 * days remain (the due day itself counts as 0 left); answered or withdrawn questions are `closed`;
 * a question waiting for the citizen's information is `paused` (Ley 1755 de 2015, art. 17).
 */
export function deadlineState(input: {
  status: string;
  dueDate: LocalDate;
  today: LocalDate;
  dueSoonBusinessDays: number;
  calendar: BusinessCalendar;
}): DeadlineState {
  if (input.status === "answered" || input.status === "withdrawn") return "closed";
  if (input.status === "info_requested") return "paused";
  if (input.today > input.dueDate) return "overdue";
  return input.calendar.businessDaysBetween(input.today, input.dueDate) <= input.dueSoonBusinessDays
    ? "due_soon"
    : "on_time";
}
