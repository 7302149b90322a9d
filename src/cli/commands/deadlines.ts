/**
 * Deadline commands of `rinde questions`: `extend` (prórroga) and the due-date explanation that
 * `show` prints. English, like the rest of the CLI.
 */
import { toWallClock } from "../../core/calendar/index.ts";
import type { QuestionEventRow, QuestionRow } from "../../db/repositories/questions.ts";
import type { Runtime } from "../../runtime.ts";
import { dueDateStory, type DueDateStory } from "../../services/due-date-story.ts";
import { extendQuestion, extensionErrorLine } from "../../services/extension.ts";
import { actorFrom } from "../actor.ts";
import { parse, required } from "../args.ts";
import { CliError } from "../output.ts";

/** `rinde questions extend <radicado> --until <YYYY-MM-DD> --reason <text> [--as <official id>]` */
export function runExtend(runtime: Runtime, args: string[]): void {
  const { values, positionals } = parse(args, { until: { type: "string" }, reason: { type: "string" }, as: { type: "string" } });
  const outcome = extendQuestion(runtime.app, actorFrom(runtime, values.as), required(positionals[0], "<radicado>"), required(values.until, "--until"), values.reason ?? "");
  if (!outcome.ok) throw new CliError(extensionErrorLine(outcome));
  process.stdout.write(`${outcome.question.reference} extended to ${outcome.question.dueDate} (limit ${outcome.limitDate}); the citizen will be told the reason and the new date.\n`);
}

/** The explanation of a question's due date, as data for `show --json`. */
export function dueDateExplanation(runtime: Runtime, question: QuestionRow, history: readonly QuestionEventRow[]): DueDateStory {
  return dueDateStory(runtime.app, question, history);
}

function clockText(iso: string, timeZone: string): string {
  const wall = toWallClock(new Date(iso), timeZone);
  const hh = String(Math.floor(wall.secondsOfDay / 3600)).padStart(2, "0");
  const mm = String(Math.floor((wall.secondsOfDay % 3600) / 60)).padStart(2, "0");
  return `${wall.date} ${hh}:${mm} ${timeZone}`;
}

/** The explanation as lines for `show`: filing, first counted day, days skipped, pauses, extension. */
export function dueDateLines(runtime: Runtime, story: DueDateStory): string[] {
  const { timezone, officeHours } = runtime.app.profile;
  const { term } = story;
  const label = (name: string) => `  ${name.padEnd(18)} `;
  const lines = ["due date explained:"];
  lines.push(`${label(story.restartedAt ? "term restarted" : "filed")}${clockText(term.filedAt, timezone)}`);
  const countsAs =
    term.effectiveFilingDate === term.filedOn
      ? `${term.effectiveFilingDate} (a business day, before office hours end at ${officeHours.end})`
      : `${term.effectiveFilingDate} (received on a non-business day or after ${officeHours.end}: the next business day)`;
  lines.push(`${label("counts as received")}${countsAs}`);
  lines.push(`${label("first counted day")}${term.firstCountedDay}`);
  lines.push(`${label("term")}${term.termBusinessDays} business days`);
  const skipped = term.skipped.map((d) => (d.name ? `${d.date} ${d.reason} (${d.name})` : `${d.date} ${d.reason}`));
  lines.push(`${label("not counted")}${skipped.length ? skipped.join(", ") : "none"}`);
  lines.push(`${label("end of term")}${term.dueDate}`);
  for (const pause of story.pauses) {
    const until = pause.until ? clockText(pause.until, timezone) : "now";
    const outcome = { resumed: "the citizen answered: the term restarted in full (Ley 1755 de 2015, art. 17)", withdrawn: "no answer within a month: withdrawn (art. 17)", waiting: "waiting for the citizen: the term is stopped" }[pause.outcome];
    lines.push(`${label("paused")}${clockText(pause.from, timezone)} → ${until}; ${outcome}`);
  }
  if (story.extension) {
    const e = story.extension;
    lines.push(`${label("extension")}${e.from} → ${e.to} by ${e.actor} on ${clockText(e.at, timezone)}; reason: ${e.reason}`);
  }
  lines.push(`${label("extension limit")}${story.extensionLimit} (twice the term, Ley 1755 de 2015, art. 14, parágrafo)`);
  for (const r of story.recomputations) lines.push(`${label("recomputed")}${r.from} → ${r.to} on ${clockText(r.at, timezone)} (the calendar changed)`);
  lines.push(`${label("due date")}${story.dueDate}`);
  return lines;
}
