/**
 * Deadline commands of `rinde questions`: `extend` (prórroga, Ley 1755 de 2015, art. 14) and the
 * due-date explanation that `show` prints, in the operator's language and the profile's time zone.
 */
import type { QuestionEventRow, QuestionRow } from "../../db/repositories/questions.ts";
import { dueDateStory, type DueDateStory } from "../../services/deadlines/due-date-story.ts";
import { auditedExtend } from "../../services/staff/audited-actions.ts";
import { dateArg, parse, required } from "../args.ts";
import type { Cli } from "../context.ts";
import { actorFrom, actorText } from "../domain-args.ts";
import { CliError } from "../output.ts";

/** `rinde questions extend <radicado> --until <YYYY-MM-DD> --reason <text> [--as <official id>]` */
export async function runExtend(cli: Cli, args: string[]): Promise<void> {
  const { values, positionals } = parse(
    args,
    { until: { type: "string" }, reason: { type: "string" }, as: { type: "string" } },
    1,
  );
  const reference = required(positionals[0], "<radicado>");
  const until = dateArg(values.until, "--until");
  const outcome = await auditedExtend(
    cli.runtime.app,
    await actorFrom(cli, values.as),
    "cli",
    reference,
    until,
    required(values.reason, "--reason"),
  );
  if (!outcome.ok) {
    const shared = ["question_not_found", "not_allowed", "already_closed", "text_too_long"].includes(outcome.error);
    const text = cli.tr(shared ? `staff.errors.${outcome.error}` : `deadlines.errors.${outcome.error}`, {
      reference,
      dueDateText: outcome.dueDate ? cli.day(outcome.dueDate) : "",
      limitDateText: outcome.limitDate ? cli.day(outcome.limitDate) : "",
    });
    throw new CliError("errors.text", { text });
  }
  cli.out(
    cli.t("questions.extended", {
      reference: outcome.question.reference,
      dueDate: cli.day(outcome.question.dueDate),
      limit: cli.day(outcome.limitDate),
    }),
  );
}

const ms = (iso: string) => Date.parse(iso);

/** The story for `show --json`, its instants with the zone's offset. */
export function storyJson(cli: Cli, story: DueDateStory) {
  const at = (iso: string | null) => (iso === null ? null : cli.iso(ms(iso)));
  return {
    ...story,
    term: { ...story.term, filedAt: at(story.term.filedAt) },
    restartedAt: at(story.restartedAt),
    pauses: story.pauses.map((p) => ({ ...p, from: at(p.from), until: at(p.until) })),
    extension: story.extension && { ...story.extension, at: at(story.extension.at) },
    recomputations: story.recomputations.map((r) => ({ ...r, at: at(r.at) })),
  };
}

/** How the due date came to be, as lines: filing, first counted day, days skipped, pauses, extension. */
export async function dueDateLines(
  cli: Cli,
  question: QuestionRow,
  history: readonly QuestionEventRow[],
): Promise<{ story: DueDateStory; lines: string[] }> {
  const story = await dueDateStory(cli.runtime.app, question, history);
  const { officeHours } = cli.runtime.app.profile;
  const { term } = story;
  const labels = [
    "filed",
    "restarted",
    "counts_as",
    "first_day",
    "term",
    "not_counted",
    "end_of_term",
    "paused",
    "extension",
    "limit",
    "recomputed",
    "due_date",
  ];
  const width = Math.max(...labels.map((l) => cli.t(`due.${l}`).length));
  const line = (label: string, text: string) => `  ${cli.t(`due.${label}`).padEnd(width)}  ${text}`;
  const when = (iso: string) => cli.when(ms(iso));
  const lines = [cli.t("due.title")];
  lines.push(line(story.restartedAt ? "restarted" : "filed", when(term.filedAt)));
  const sameDay = term.effectiveFilingDate === term.filedOn;
  lines.push(
    line(
      "counts_as",
      cli.t(sameDay ? "due.counts_same_day" : "due.counts_next_day", {
        date: cli.day(term.effectiveFilingDate),
        end: officeHours.end,
      }),
    ),
  );
  lines.push(line("first_day", cli.day(term.firstCountedDay)));
  lines.push(line("term", cli.t("due.business_days", { count: term.termBusinessDays })));
  const skipped = term.skipped.map((d) => `${cli.day(d.date)} (${d.name ?? cli.t(`skip_reasons.${d.reason}`)})`);
  lines.push(line("not_counted", skipped.length ? skipped.join(", ") : cli.t("none_plain")));
  lines.push(line("end_of_term", cli.day(term.dueDate)));
  for (const pause of story.pauses) {
    lines.push(
      line(
        "paused",
        cli.t(`due.pause_${pause.outcome}`, { from: when(pause.from), until: pause.until ? when(pause.until) : "" }),
      ),
    );
  }
  if (story.extension) {
    const e = story.extension;
    lines.push(
      line(
        "extension",
        cli.t("due.extension_text", {
          from: cli.day(e.from),
          to: cli.day(e.to),
          actor: await actorText(cli, e.actor),
          at: when(e.at),
          reason: e.reason,
        }),
      ),
    );
  }
  lines.push(line("limit", cli.t("due.limit_text", { date: cli.day(story.extensionLimit) })));
  for (const r of story.recomputations)
    lines.push(
      line("recomputed", cli.t("due.recomputed_text", { from: cli.day(r.from), to: cli.day(r.to), at: when(r.at) })),
    );
  lines.push(line("due_date", cli.day(story.dueDate)));
  return { story, lines };
}
