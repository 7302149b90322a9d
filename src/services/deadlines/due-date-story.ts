/**
 * How a question's due date came to be, for `rinde questions show`: the filing and the first counted
 * day, the non-business days skipped, the pauses while the citizen completed the petition (and the
 * restart of the term), the extension and any recomputation after a calendar change.
 */
import type { DueDateExplanation, LocalDate } from "../../core/calendar/index.ts";
import type { QuestionEventRow, QuestionRow } from "../../db/repositories/questions.ts";
import type { AppContext } from "../context.ts";
import { termStartMs } from "./deadlines.ts";
import { extensionLimitOf } from "./extension.ts";
import { dueDateFrom } from "../questions/questions.ts";

export interface DueDatePause {
  /** When the office asked the citizen to complete the petition (ISO, UTC). */
  from: string;
  /** When the citizen answered or the petition was withdrawn; null while waiting. */
  until: string | null;
  outcome: "resumed" | "withdrawn" | "waiting";
}

export interface DueDateStory {
  /** The current term, from its start (the filing, or the citizen's answer after a pause). */
  term: DueDateExplanation;
  /** Set when the term restarted in full after a pause (Ley 1755 de 2015, art. 17). */
  restartedAt: string | null;
  pauses: DueDatePause[];
  extension: { at: string; actor: string; from: LocalDate; to: LocalDate; reason: string } | null;
  recomputations: { at: string; from: LocalDate; to: LocalDate }[];
  /** The latest date an extension may set (twice the term). */
  extensionLimit: LocalDate;
  dueDate: LocalDate;
}

const iso = (ms: number) => new Date(ms).toISOString();
const dataOf = (event: QuestionEventRow) => JSON.parse(event.data) as Record<string, string>;

function pausesOf(history: readonly QuestionEventRow[]): DueDatePause[] {
  const pauses: DueDatePause[] = [];
  for (const event of history) {
    const open = pauses.at(-1)?.outcome === "waiting" ? pauses.at(-1) : undefined;
    if (event.kind === "info_requested") pauses.push({ from: iso(event.atMs), until: null, outcome: "waiting" });
    else if (open && (event.kind === "info_provided" || event.kind === "withdrawn")) {
      open.until = iso(event.atMs);
      open.outcome = event.kind === "info_provided" ? "resumed" : "withdrawn";
    }
  }
  return pauses;
}

export async function dueDateStory(
  app: AppContext,
  question: QuestionRow,
  history: readonly QuestionEventRow[],
): Promise<DueDateStory> {
  const startMs = await termStartMs(app, question);
  // An extension of an earlier term (before the citizen completed the petition) no longer applies.
  const extended = history.filter((e) => e.kind === "extended" && e.atMs >= startMs).at(-1);
  const extendedData = extended ? dataOf(extended) : undefined;
  return {
    term: dueDateFrom(app, startMs, question.termBusinessDays),
    restartedAt: startMs === question.filedAtMs ? null : iso(startMs),
    pauses: pausesOf(history),
    extension:
      extended && extendedData
        ? {
            at: iso(extended.atMs),
            actor: extended.actor,
            from: extendedData.from!,
            to: extendedData.to!,
            reason: extendedData.reason!,
          }
        : null,
    recomputations: history
      .filter((e) => e.kind === "due_date_recomputed")
      .map((e) => ({ at: iso(e.atMs), from: dataOf(e).from!, to: dataOf(e).to! })),
    extensionLimit: await extensionLimitOf(app, question),
    dueDate: question.dueDate,
  };
}
