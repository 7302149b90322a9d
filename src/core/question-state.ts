/**
 * Where a question stands against its legal term, as of a date: the states and figures that the
 * management report (src/core/questions-report.ts, whose header gives the definitions) and the
 * answer tally (src/core/answer-tally.ts) both count. Pure.
 */
import { toLocalDate, type LocalDate } from "./calendar/index.ts";

/** A question as the report needs it. */
export interface ReportQuestion {
  id: number;
  reference: string;
  officeKey: string;
  status: "open" | "info_requested" | "answered" | "withdrawn" | "transferred";
  filedAtMs: number;
  dueDate: LocalDate;
  answeredAtMs: number | null;
  /** When the legal term in force started (null: at the filing). */
  termStartedAtMs: number | null;
  extendedTo: LocalDate | null;
}

/** A reassignment of a question from one office of the alcaldía to another (not a traslado, art. 21). */
export interface ReportReassignment {
  questionId: number;
  fromOfficeKey: string;
  toOfficeKey: string;
}

export type QuestionState =
  | "answered_on_time"
  | "answered_late"
  | "open_within_term"
  | "overdue"
  | "waiting_for_citizen"
  | "withdrawn"
  | "transferred";

/** Every figure of an office's row that counts questions (each one can be drilled down). */
export const COUNT_FIGURES = [
  "received",
  "answeredOnTime",
  "answeredLate",
  "openWithinTerm",
  "overdue",
  "waitingForCitizen",
  "withdrawn",
  "transferred",
  "extended",
  "reassigned",
] as const;
export type CountFigure = (typeof COUNT_FIGURES)[number];

export const STATE_FIGURE: Record<QuestionState, CountFigure> = {
  answered_on_time: "answeredOnTime",
  answered_late: "answeredLate",
  open_within_term: "openWithinTerm",
  overdue: "overdue",
  waiting_for_citizen: "waitingForCitizen",
  withdrawn: "withdrawn",
  transferred: "transferred",
};

/** Where a question stands on `asOf` (see the module's definitions). */
export function questionState(
  question: Pick<ReportQuestion, "status" | "filedAtMs" | "answeredAtMs" | "dueDate">,
  asOf: LocalDate,
  timeZone: string,
  localDate: (ms: number) => LocalDate = (ms) => toLocalDate(new Date(ms), timeZone),
): QuestionState {
  switch (question.status) {
    case "answered": {
      const answeredOn = localDate(question.answeredAtMs ?? question.filedAtMs);
      return answeredOn <= question.dueDate ? "answered_on_time" : "answered_late";
    }
    case "withdrawn":
      return "withdrawn";
    case "transferred":
      return "transferred";
    case "info_requested":
      return "waiting_for_citizen";
    case "open":
      return asOf > question.dueDate ? "overdue" : "open_within_term";
  }
}
