/**
 * `rinde surveys` — definitions and runs, ad hoc consultations to a segment, paper forms from a
 * hearing, and results with text bar charts (or CSV). `rinde questions report` (office
 * satisfaction from the answer surveys) is printed from here too.
 */
import { SEGMENT_SYNTAX, type QuestionResult } from "../../core/surveys/index.ts";
import type { Runtime } from "../../runtime.ts";
import { optionLabelKeys } from "../../services/survey-definitions.ts";
import { importPaperResponses, type ImportTarget } from "../../services/survey-import.ts";
import { surveyResults, type ResultsFilter, type SurveyResultBlock } from "../../services/survey-results.ts";
import { sendSurvey, type SurveyError } from "../../services/surveys.ts";
import { actorFrom } from "../actor.ts";
import { parse, readInputFile, required } from "../args.ts";
import { toCsv, writeExport } from "../csv.ts";
import { CliError, printJson, table } from "../output.ts";
import { runSurveyPublish } from "./publication.ts";

const BAR_WIDTH = 30;

const ERRORS: Record<SurveyError | "unknown_run" | "already_imported", string> = {
  unknown_survey: "unknown survey; see 'rinde surveys list'",
  bad_segment: `bad --segment; use ${SEGMENT_SYNTAX}`,
  unknown_office: "unknown office; see 'rinde offices list'",
  unknown_event: "unknown event",
  unknown_district: "unknown district; see the municipality profile",
  not_allowed: "that official may not send surveys (admin, communications, or the head of the office concerned)",
  cannot_render: "this survey's texts need details a segment does not give (answer surveys go by themselves to each citizen whose question was answered; event surveys need --segment event:<id>)",
  unknown_run: "unknown run; see 'rinde surveys list --runs'",
  already_imported: "this file was already imported",
};

const percent = (share: number | null | undefined) => (share === null || share === undefined ? "–" : `${Math.round(share * 100)}%`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

function localeOf(runtime: Runtime, value: string | undefined): string {
  const locale = value ?? "es";
  if (!runtime.app.translator.supports(locale)) throw new CliError(`--locale must be one of ${runtime.app.translator.locales.join(", ")}`);
  return locale;
}

function list(runtime: Runtime, args: string[]): void {
  const { values } = parse(args, { runs: { type: "boolean" }, survey: { type: "string" }, json: { type: "boolean" } });
  const repo = runtime.app.repos.surveys;
  if (values.runs) {
    const rows = repo.listRuns({ surveyId: values.survey }).map((run) => {
      const tally = repo.tally([run.id]);
      const subject = run.questionId !== null ? `question ${runtime.app.repos.questions.byId(run.questionId)?.reference ?? run.questionId}` : run.eventId !== null ? `event ${run.eventId}` : (run.segment ?? run.label ?? "");
      return { run: run.id, survey: run.surveyId, trigger: run.trigger, subject, office: run.officeKey ?? "", created: iso(run.createdAtMs), closes: iso(run.expiresAtMs), status: run.closedAtMs === null ? "open" : "closed", invited: tally.invited, delivered: tally.delivered, responses: repo.responses([run.id]).length };
    });
    if (values.json) return printJson(rows);
    process.stdout.write(`${table(rows, ["run", "survey", "trigger", "subject", "office", "created", "closes", "status", "invited", "delivered", "responses"])}\n`);
    return;
  }
  const rows = [...runtime.surveys.values()].map((s) => {
    const runIds = repo.listRuns({ surveyId: s.id }).map((r) => r.id);
    return { survey: s.id, version: s.version, title: runtime.app.translator.t("es", s.title), trigger: s.trigger.kind, questions: s.questions.length, runs: runIds.length, responses: repo.responses(runIds).length };
  });
  if (values.json) return printJson(rows);
  process.stdout.write(`${table(rows, ["survey", "version", "title", "trigger", "questions", "runs", "responses"])}\n`);
}

function send(runtime: Runtime, args: string[]): void {
  const { values, positionals } = parse(args, { segment: { type: "string" }, label: { type: "string" }, office: { type: "string" }, as: { type: "string" } });
  const result = sendSurvey(runtime, {
    surveyId: required(positionals[0], "<survey>"),
    segment: required(values.segment, "--segment"),
    actor: actorFrom(runtime, values.as),
    ...(values.label ? { label: values.label } : {}),
    ...(values.office ? { officeKey: values.office } : {}),
  });
  if (!result.ok) throw new CliError(`${ERRORS[result.error]} (${result.detail})`);
  const { quietHours } = runtime.app.profile;
  process.stdout.write(
    `Run #${result.run.id} (${result.run.surveyId} to ${result.run.segment}): ${result.invited} citizens invited.\n` +
      `The running bot sends it to each one when they are not in the middle of a conversation, outside quiet hours (${quietHours.start}–${quietHours.end}); it closes ${iso(result.run.expiresAtMs)} UTC.\n`,
  );
}

function importCsv(runtime: Runtime, args: string[]): void {
  const { values, positionals } = parse(args, { event: { type: "string" }, office: { type: "string" }, label: { type: "string" }, as: { type: "string" } });
  const which = required(positionals[0], "<run|survey>");
  const file = required(positionals[1], "<file.csv>");
  const text = readInputFile(file);
  const target: ImportTarget = /^\d+$/.test(which)
    ? { runId: Number(which) }
    : { surveyId: which, ...(values.event ? { eventId: Number(values.event) } : {}), ...(values.office ? { officeKey: values.office } : {}), ...(values.label ? { label: values.label } : {}) };
  const result = importPaperResponses(runtime, actorFrom(runtime, values.as), target, text);
  if (result.ok) {
    process.stdout.write(`${result.imported} paper responses imported into run #${result.run.id} (${result.run.surveyId}).\n`);
    return;
  }
  if (result.error === "invalid_rows") {
    for (const p of result.problems) process.stderr.write(`${file}:${p.line}: ${p.message}\n`);
    throw new CliError(`${result.problems.length} problem(s) in ${file}; nothing was imported. Fix the lines above and import the file again.`);
  }
  if (result.error === "already_imported") throw new CliError(`${ERRORS.already_imported} (run #${result.runId}); nothing was imported`);
  throw new CliError(`${ERRORS[result.error]} (${result.detail})`);
}

function resultsFilter(values: { run?: string; survey?: string; office?: string; event?: string }): ResultsFilter {
  const given = [values.run, values.survey, values.office, values.event].filter((v) => v !== undefined);
  if (given.length === 0) throw new CliError("say what to show: --run <id>, --survey <id>, --office <key> or --event <id>");
  const number = (v: string, flag: string) => {
    if (!/^\d+$/.test(v)) throw new CliError(`${flag} takes a number`);
    return Number(v);
  };
  return {
    ...(values.run !== undefined ? { runId: number(values.run, "--run") } : {}),
    ...(values.survey !== undefined ? { surveyId: values.survey } : {}),
    ...(values.office !== undefined ? { officeKey: values.office } : {}),
    ...(values.event !== undefined ? { eventId: number(values.event, "--event") } : {}),
  };
}

/** Labels of a question's values, in `locale`. */
function valueLabels(runtime: Runtime, block: SurveyResultBlock, q: QuestionResult, locale: string): Map<string, string> {
  const question = block.definition.questions.find((x) => x.id === q.id)!;
  const keys = optionLabelKeys(question);
  const label = (value: string, key: string | undefined) => (key ? runtime.app.translator.t(locale, key) : value);
  return new Map((q.distribution ?? []).map((d, i) => [d.value, q.type === "scale" ? `${d.value} ${label(d.value, keys[i])}` : label(d.value, keys[i])]));
}

function bar(share: number): string {
  const filled = Math.round(share * BAR_WIDTH);
  return `${"█".repeat(filled)}${" ".repeat(BAR_WIDTH - filled)}`;
}

function blockText(runtime: Runtime, block: SurveyResultBlock, locale: string): string {
  const t = (key: string) => runtime.app.translator.t(locale, key);
  const r = block.results;
  const lines = [
    `${block.surveyId} (v${block.definition.version}) — ${t(block.definition.title)}`,
    `runs: ${block.runIds.map((id) => `#${id}`).join(", ")}`,
    `invited ${r.invited} · delivered ${r.delivered} · responses ${r.responses} (chat ${r.chatResponses}, paper ${r.paperResponses}) · completed ${r.completed} · response rate ${percent(r.responseRate)}`,
  ];
  block.results.questions.forEach((q, i) => {
    const mean = q.type === "scale" ? ` · mean ${q.mean === null || q.mean === undefined ? "–" : q.mean.toFixed(2)}/5` : "";
    lines.push("", `${i + 1}. ${t(q.text)}  [${q.type}]  answers ${q.answered} · skipped ${q.skipped}${mean}`);
    if (q.comments) {
      if (q.comments.length === 0) lines.push("   (no comments)");
      for (const comment of q.comments) lines.push(`   – ${comment.replace(/\s+/g, " ")}`);
      return;
    }
    const labels = valueLabels(runtime, block, q, locale);
    const width = Math.min(36, Math.max(...[...labels.values()].map((l) => l.length)));
    for (const d of q.distribution ?? []) {
      const label = (labels.get(d.value) ?? d.value).slice(0, width).padEnd(width);
      lines.push(`   ${label} |${bar(d.share)}| ${String(d.count).padStart(4)} ${percent(d.share).padStart(4)}`);
    }
  });
  return lines.join("\n");
}

function csvRows(runtime: Runtime, blocks: SurveyResultBlock[], locale: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const block of blocks) {
    const r = block.results;
    const common = { survey: block.surveyId, runs: block.runIds.join(" "), invited: r.invited, delivered: r.delivered, responses: r.responses, paper_responses: r.paperResponses, response_rate: r.responseRate ?? "" };
    for (const q of r.questions) {
      const base = { ...common, question: q.id, question_text: runtime.app.translator.t(locale, q.text), type: q.type, answered: q.answered, skipped: q.skipped, mean: q.mean ?? "" };
      const labels = valueLabels(runtime, block, q, locale);
      for (const d of q.distribution ?? []) rows.push({ ...base, value: d.value, label: labels.get(d.value) ?? d.value, count: d.count, share: d.share });
      for (const comment of q.comments ?? []) rows.push({ ...base, value: "", label: comment, count: 1, share: "" });
    }
  }
  return rows;
}

const CSV_COLUMNS = ["survey", "runs", "invited", "delivered", "responses", "paper_responses", "response_rate", "question", "question_text", "type", "answered", "skipped", "mean", "value", "label", "count", "share"];

function results(runtime: Runtime, args: string[]): void {
  const { values } = parse(args, { run: { type: "string" }, survey: { type: "string" }, office: { type: "string" }, event: { type: "string" }, csv: { type: "string" }, force: { type: "boolean" }, locale: { type: "string" }, json: { type: "boolean" } });
  const filter = resultsFilter(values);
  if (filter.officeKey && !runtime.app.repos.offices.get(filter.officeKey)) throw new CliError(ERRORS.unknown_office);
  if (filter.runId !== undefined && !runtime.app.repos.surveys.runById(filter.runId)) throw new CliError(ERRORS.unknown_run);
  const locale = localeOf(runtime, values.locale);
  const blocks = surveyResults(runtime.app, filter);
  if (values.json) return printJson(blocks.map((b) => ({ survey: b.surveyId, version: b.definition.version, runs: b.runIds, ...b.results })));
  if (values.csv) {
    const rows = csvRows(runtime, blocks, locale);
    writeExport(values.csv, toCsv(rows, CSV_COLUMNS), values.force);
    process.stdout.write(`${rows.length} result rows written to ${values.csv}\n`);
    return;
  }
  process.stdout.write(blocks.length ? `${blocks.map((b) => blockText(runtime, b, locale)).join("\n\n")}\n` : "No survey runs match.\n");
}

const subcommands: Record<string, (runtime: Runtime, args: string[]) => void> = { list, send, import: importCsv, results, publish: runSurveyPublish };

export function runSurveys(runtime: Runtime, args: string[]): void {
  const [sub, ...rest] = args;
  const command = sub ? subcommands[sub] : undefined;
  if (!command) throw new CliError(`unknown 'surveys' command '${sub ?? ""}'. Use: ${Object.keys(subcommands).join(" | ")}`);
  command(runtime, rest);
}

