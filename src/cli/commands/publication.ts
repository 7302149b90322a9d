/**
 * Staff commands for the public pages and open data (issue 15): what of a question is published,
 * an event's minutes and recording links, survey publication, and the open-data export.
 * The back-office will offer the same actions as buttons; both call src/services/transparency.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Runtime } from "../../runtime.ts";
import { buildDataset, datasetCsv, datasetJson, dictionaryOf, DATASET_NAMES } from "../../services/transparency/open-data.ts";
import { setEventLinks, setQuestionPublication, setSurveyPublished, type PublicationError } from "../../services/transparency/publication.ts";
import { createPublicData } from "../../services/transparency/public-data.ts";
import { actorFrom } from "../actor.ts";
import { parse, required } from "../args.ts";
import { writeExport } from "../csv.ts";
import { CliError } from "../output.ts";

const ERRORS: Record<PublicationError, string> = {
  question_not_found: "no question with that radicado",
  event_not_found: "no event with that id",
  survey_not_found: "no survey with that id has been sent; see 'rinde surveys list --runs'",
  not_allowed: "that official may not change this (another office's question, or the role does not allow it)",
  summary_too_long: "the summary is too long (at most 1000 characters)",
  invalid_url: "the link must start with http:// or https://",
  nothing_to_change: "nothing to change: it is already like that",
};

/** `rinde questions publish <radicado> [--summary <text>] [--answer | --no-answer | --default-answer]`. */
export function runQuestionPublish(runtime: Runtime, args: string[]): void {
  const { values, positionals } = parse(args, { summary: { type: "string" }, answer: { type: "boolean" }, "no-answer": { type: "boolean" }, "default-answer": { type: "boolean" }, as: { type: "string" } });
  const choices = [values.answer, values["no-answer"], values["default-answer"]].filter(Boolean).length;
  if (choices > 1) throw new CliError("use only one of --answer, --no-answer, --default-answer");
  const publishAnswer = values.answer ? true : values["no-answer"] ? false : values["default-answer"] ? null : undefined;
  if (publishAnswer === undefined && values.summary === undefined) throw new CliError("say what to publish: --summary <text> and/or --answer | --no-answer | --default-answer");
  const result = setQuestionPublication(runtime.app, actorFrom(runtime, values.as), required(positionals[0], "<radicado>"), { publishAnswer, summary: values.summary });
  if (!result.ok) throw new CliError(ERRORS[result.error]);
  const q = result.question;
  const published = q.publishAnswer ?? q.requestType === "dialogue";
  process.stdout.write(`${q.reference}: answer ${published ? "published" : "not published"}${q.publishAnswer === null ? " (default for its type)" : ""}; summary ${q.publishedSummary ? "published" : "none"}.\n`);
}

/** `rinde events minutes <id> [--url <minutes link>] [--recording <link>]` (an empty value removes the link). */
export function runEventMinutes(runtime: Runtime, args: string[]): void {
  const { values, positionals } = parse(args, { url: { type: "string" }, recording: { type: "string" }, as: { type: "string" } });
  if (values.url === undefined && values.recording === undefined) throw new CliError("give --url <minutes link> and/or --recording <link>");
  const id = Number(required(positionals[0], "<event id>"));
  const result = setEventLinks(runtime.app, actorFrom(runtime, values.as), id, { minutesUrl: values.url, recordingUrl: values.recording });
  if (!result.ok) throw new CliError(ERRORS[result.error]);
  process.stdout.write(`event ${id}: minutes ${result.event.minutesUrl ?? "none"}, recording ${result.event.recordingUrl ?? "none"}.\n`);
}

/** `rinde surveys publish <survey> [--withdraw]`. */
export function runSurveyPublish(runtime: Runtime, args: string[]): void {
  const { values, positionals } = parse(args, { withdraw: { type: "boolean" }, as: { type: "string" } });
  const surveyId = required(positionals[0], "<survey>");
  const result = setSurveyPublished(runtime.app, actorFrom(runtime, values.as), surveyId, !values.withdraw);
  if (!result.ok) throw new CliError(ERRORS[result.error]);
  process.stdout.write(`${surveyId}: results ${result.published ? "published on the public pages" : "withdrawn from the public pages"}.\n`);
}

/** `rinde opendata export --out <dir> [--force] [--lang es|en]`: the five datasets and their dictionaries, CSV and JSON. */
export function runOpenData(runtime: Runtime, args: string[]): void {
  const [sub, ...rest] = args;
  if (sub !== "export") throw new CliError(`unknown 'opendata' command '${sub ?? ""}'. Use: export`);
  const { values } = parse(rest, { out: { type: "string" }, force: { type: "boolean" }, lang: { type: "string" } });
  const dir = required(values.out, "--out");
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const lang = values.lang === "en" ? "en" : "es";
  const t = (key: string) => runtime.app.translator.t(lang, key);
  const data = createPublicData(runtime.app);
  const startedMs = Date.now();
  let files = 0;
  for (const name of DATASET_NAMES) {
    const dataset = buildDataset(runtime.app, data, name, t);
    const dictionary = dictionaryOf(name, t);
    writeExport(join(dir, `${name}.csv`), datasetCsv(dataset), values.force);
    writeExport(join(dir, `${name}.json`), datasetJson(dataset), values.force);
    writeExport(join(dir, `${name}_diccionario.csv`), datasetCsv(dictionary), values.force);
    writeExport(join(dir, `${name}_diccionario.json`), datasetJson(dictionary), values.force);
    process.stdout.write(`${name}: ${dataset.rows.length} rows\n`);
    files += 4;
  }
  process.stdout.write(`${files} files written to ${dir} in ${Date.now() - startedMs} ms\n`);
}
