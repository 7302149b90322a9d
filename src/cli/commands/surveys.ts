/**
 * `rinde surveys` — definitions and runs, ad hoc consultations to a segment, paper forms from a
 * hearing, and results with text bar charts (or CSV). `rinde questions report` (office
 * satisfaction from the answer surveys) is printed from here too.
 */
import { SEGMENT_SYNTAX, type PaperProblem, type QuestionResult } from "../../core/surveys/index.ts";
import { optionLabelKeys } from "../../services/surveys/definitions.ts";
import { importPaperResponses, type ImportTarget } from "../../services/surveys/import.ts";
import { surveyResults, type ResultsFilter, type SurveyResultBlock } from "../../services/surveys/results.ts";
import { sendSurvey, type SurveyError } from "../../services/surveys/surveys.ts";
import { idArg, keyArg, optionalId, parse, readInputFile, required } from "../args.ts";
import type { Cli, Subcommand } from "../context.ts";
import { csvDecimal, writeCsvExport } from "../csv.ts";
import { actorFrom, optionalOffice } from "../domain-args.ts";
import { CliError } from "../output.ts";
import { runSurveyPublish } from "./publication.ts";
import { mapInOrder } from "../../core/in-order.ts";

const BAR_WIDTH = 30;

type SurveyCliError = SurveyError | "unknown_run" | "already_imported";

function surveyError(cli: Cli, error: SurveyCliError, detail: string | number = ""): CliError {
  return new CliError(`surveys.errors.${error}`, { detail, syntax: SEGMENT_SYNTAX });
}

const percent = (share: number | null | undefined) =>
  share === null || share === undefined ? "–" : `${Math.round(share * 100)} %`;

async function list(cli: Cli, args: string[]): Promise<void> {
  const { values } = parse(
    args,
    { runs: { type: "boolean" }, survey: { type: "string" }, json: { type: "boolean" } },
    0,
  );
  const { app } = cli.runtime;
  const repo = app.repos.surveys;
  if (values.runs) {
    const runs = await mapInOrder(await repo.listRuns({ surveyId: values.survey }), async (run) => {
      const tally = await repo.tally([run.id]);
      const question =
        run.questionId !== null ? (await app.repos.questions.byId(run.questionId))?.reference : undefined;
      return { run, tally, responses: (await repo.responses([run.id])).length, question };
    });
    if (values.json) {
      return cli.json(
        runs.map(({ run, tally, responses, question }) => ({
          run: run.id,
          survey: run.surveyId,
          trigger: run.trigger,
          question: question ?? null,
          event: run.eventId,
          segment: run.segment,
          label: run.label,
          office: run.officeKey,
          created: cli.iso(run.createdAtMs),
          closes: cli.iso(run.expiresAtMs),
          status: run.closedAtMs === null ? "open" : "closed",
          invited: tally.invited,
          delivered: tally.delivered,
          responses,
        })),
      );
    }
    const rows = runs.map(({ run, tally, responses, question }) => ({
      run: run.id,
      survey: run.surveyId,
      trigger: cli.t(`survey_triggers.${run.trigger}`),
      subject: question
        ? cli.t("surveys.subject_question", { reference: question })
        : run.eventId !== null
          ? cli.t("surveys.subject_event", { id: run.eventId })
          : (run.segment ?? run.label ?? ""),
      office: run.officeKey ?? "",
      created: cli.when(run.createdAtMs),
      closes: cli.when(run.expiresAtMs),
      status: cli.t(run.closedAtMs === null ? "surveys.open" : "surveys.closed"),
      invited: tally.invited,
      delivered: tally.delivered,
      responses,
    }));
    return cli.out(
      cli.table(rows, [
        "run",
        "survey",
        "trigger",
        "subject",
        "office",
        "created",
        "closes",
        "status",
        "invited",
        "delivered",
        "responses",
      ]),
    );
  }
  const rows = await mapInOrder([...cli.runtime.surveys.values()], async (s) => {
    const runIds = (await repo.listRuns({ surveyId: s.id })).map((r) => r.id);
    return {
      survey: s.id,
      version: s.version,
      title: cli.tr(s.title),
      trigger: s.trigger.kind,
      questions: s.questions.length,
      runs: runIds.length,
      responses: (await repo.responses(runIds)).length,
    };
  });
  if (values.json) return cli.json(rows);
  cli.out(
    cli.table(
      rows.map((r) => ({ ...r, trigger: cli.t(`survey_triggers.${r.trigger}`) })),
      ["survey", "version", "title", "trigger", "questions", "runs", "responses"],
    ),
  );
}

async function send(cli: Cli, args: string[]): Promise<void> {
  const { values, positionals } = parse(
    args,
    { segment: { type: "string" }, label: { type: "string" }, office: { type: "string" }, as: { type: "string" } },
    1,
  );
  const officeKey = await optionalOffice(cli, values.office);
  const result = await sendSurvey(cli.runtime, {
    surveyId: required(positionals[0], "<encuesta>"),
    segment: required(values.segment, "--segment"),
    actor: await actorFrom(cli, values.as),
    ...(values.label ? { label: values.label } : {}),
    ...(officeKey ? { officeKey } : {}),
  });
  if (!result.ok) throw surveyError(cli, result.error, result.detail);
  const { quietHours } = cli.runtime.app.profile;
  cli.out(
    cli.t("surveys.sent", {
      run: result.run.id,
      survey: result.run.surveyId,
      segment: result.run.segment,
      count: result.invited,
      start: quietHours.start,
      end: quietHours.end,
      closes: cli.when(result.run.expiresAtMs),
    }),
  );
}

function problemLines(cli: Cli, file: string, problems: readonly PaperProblem[]): string[] {
  return problems.map((p) => `${file}:${p.line}: ${cli.tr(p.key, p.vars)}`);
}

async function importCsv(cli: Cli, args: string[]): Promise<void> {
  const { values, positionals } = parse(
    args,
    { event: { type: "string" }, office: { type: "string" }, label: { type: "string" }, as: { type: "string" } },
    2,
  );
  const which = required(positionals[0], "<corrida|encuesta>");
  const file = required(positionals[1], "<archivo.csv>");
  const text = readInputFile(file);
  const eventId = optionalId(values.event, "--event");
  const officeKey = await optionalOffice(cli, values.office);
  const target: ImportTarget = /^\d+$/.test(which)
    ? { runId: idArg(which, "<corrida>") }
    : {
        surveyId: which,
        ...(eventId !== undefined ? { eventId } : {}),
        ...(officeKey ? { officeKey } : {}),
        ...(values.label ? { label: values.label } : {}),
      };
  const result = await importPaperResponses(cli.runtime, await actorFrom(cli, values.as), target, text);
  if (result.ok)
    return cli.out(
      cli.t("surveys.imported", { count: result.imported, run: result.run.id, survey: result.run.surveyId }),
    );
  if (result.error === "invalid_rows")
    throw new CliError(
      "surveys.import_failed",
      { count: result.problems.length, file },
      problemLines(cli, file, result.problems),
    );
  if (result.error === "already_imported") throw surveyError(cli, "already_imported", result.runId);
  throw surveyError(cli, result.error, result.detail);
}

async function resultsFilter(
  cli: Cli,
  values: { run?: string; survey?: string; office?: string; event?: string },
): Promise<ResultsFilter> {
  const given = [values.run, values.survey, values.office, values.event].filter((v) => v !== undefined);
  if (given.length === 0) throw new CliError("surveys.results_what");
  const runId = optionalId(values.run, "--run");
  const eventId = optionalId(values.event, "--event");
  const officeKey = await optionalOffice(cli, values.office);
  return {
    ...(runId !== undefined ? { runId } : {}),
    ...(values.survey !== undefined ? { surveyId: values.survey } : {}),
    ...(officeKey !== undefined ? { officeKey } : {}),
    ...(eventId !== undefined ? { eventId } : {}),
  };
}

/** Labels of a question's values, in `locale`. */
function valueLabels(cli: Cli, block: SurveyResultBlock, q: QuestionResult, locale: string): Map<string, string> {
  const question = block.definition.questions.find((x) => x.id === q.id)!;
  const keys = optionLabelKeys(question);
  const label = (value: string, key: string | undefined) => (key ? cli.runtime.app.translator.t(locale, key) : value);
  return new Map(
    (q.distribution ?? []).map((d, i) => [
      d.value,
      q.type === "scale" ? `${d.value} ${label(d.value, keys[i])}` : label(d.value, keys[i]),
    ]),
  );
}

function bar(share: number): string {
  const filled = Math.round(share * BAR_WIDTH);
  return `${"█".repeat(filled)}${" ".repeat(BAR_WIDTH - filled)}`;
}

function blockText(cli: Cli, block: SurveyResultBlock, locale: string): string {
  const t = (key: string) => cli.runtime.app.translator.t(locale, key);
  const r = block.results;
  const lines = [
    `${block.surveyId} (v${block.definition.version}) — ${t(block.definition.title)}`,
    cli.t("surveys.runs", { runs: block.runIds.map((id) => `#${id}`).join(", ") }),
    cli.t("surveys.figures", { ...r, rate: percent(r.responseRate) }),
  ];
  block.results.questions.forEach((q, i) => {
    const mean =
      q.type === "scale"
        ? cli.t("surveys.mean", {
            mean:
              q.mean === null || q.mean === undefined
                ? "–"
                : q.mean.toFixed(2).replace(".", cli.lang === "es" ? "," : "."),
          })
        : "";
    lines.push(
      "",
      `${i + 1}. ${t(q.text)}  [${cli.t(`question_types.${q.type}`)}]  ${cli.t("surveys.answers", { answered: q.answered, skipped: q.skipped })}${mean}`,
    );
    if (q.comments) {
      if (q.comments.length === 0) lines.push(`   ${cli.t("surveys.no_comments")}`);
      for (const comment of q.comments) lines.push(`   – ${comment.replace(/\s+/g, " ")}`);
      return;
    }
    const labels = valueLabels(cli, block, q, locale);
    const width = Math.min(36, Math.max(...[...labels.values()].map((l) => l.length)));
    for (const d of q.distribution ?? []) {
      const label = (labels.get(d.value) ?? d.value).slice(0, width).padEnd(width);
      lines.push(`   ${label} |${bar(d.share)}| ${String(d.count).padStart(4)} ${percent(d.share).padStart(5)}`);
    }
  });
  return lines.join("\n");
}

function csvRows(
  cli: Cli,
  blocks: SurveyResultBlock[],
  locale: string,
  values: { separator?: string },
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const decimal = (n: number | null | undefined) => (n === null || n === undefined ? "" : csvDecimal(n, 4, values));
  for (const block of blocks) {
    const r = block.results;
    const common = {
      survey: block.surveyId,
      runs: block.runIds.join(" "),
      invited: r.invited,
      delivered: r.delivered,
      responses: r.responses,
      paper_responses: r.paperResponses,
      response_rate: decimal(r.responseRate),
    };
    for (const q of r.questions) {
      const base = {
        ...common,
        question: q.id,
        question_text: cli.runtime.app.translator.t(locale, q.text),
        type: cli.t(`question_types.${q.type}`),
        answered: q.answered,
        skipped: q.skipped,
        mean: decimal(q.mean),
      };
      const labels = valueLabels(cli, block, q, locale);
      for (const d of q.distribution ?? [])
        rows.push({
          ...base,
          value: d.value,
          label: labels.get(d.value) ?? d.value,
          count: d.count,
          share: decimal(d.share),
        });
      for (const comment of q.comments ?? []) rows.push({ ...base, value: "", label: comment, count: 1, share: "" });
    }
  }
  return rows;
}

const CSV_COLUMNS = [
  "survey",
  "runs",
  "invited",
  "delivered",
  "responses",
  "paper_responses",
  "response_rate",
  "question",
  "question_text",
  "type",
  "answered",
  "skipped",
  "mean",
  "value",
  "label",
  "count",
  "share",
];

async function results(cli: Cli, args: string[]): Promise<void> {
  const { values } = parse(
    args,
    {
      run: { type: "string" },
      survey: { type: "string" },
      office: { type: "string" },
      event: { type: "string" },
      csv: { type: "string" },
      force: { type: "boolean" },
      separator: { type: "string" },
      locale: { type: "string" },
      json: { type: "boolean" },
    },
    0,
  );
  const filter = await resultsFilter(cli, values);
  if (filter.runId !== undefined && !(await cli.runtime.app.repos.surveys.runById(filter.runId)))
    throw surveyError(cli, "unknown_run", filter.runId);
  const locale =
    values.locale === undefined ? cli.lang : keyArg(values.locale, cli.runtime.app.translator.locales, "--locale");
  const blocks = await surveyResults(cli.runtime.app, filter);
  if (values.json)
    return cli.json(
      blocks.map((b) => ({ survey: b.surveyId, version: b.definition.version, runs: b.runIds, ...b.results })),
    );
  if (values.csv)
    return writeCsvExport(
      cli,
      { out: values.csv, force: values.force, separator: values.separator },
      csvRows(cli, blocks, locale, values),
      CSV_COLUMNS,
      "survey_results",
      "surveys.results_written",
    );
  cli.out(blocks.length ? blocks.map((b) => blockText(cli, b, locale)).join("\n\n") : cli.t("surveys.no_runs"));
}

export const surveyCommands: Record<string, Subcommand> = {
  list,
  send,
  import: importCsv,
  results,
  publish: runSurveyPublish,
};
