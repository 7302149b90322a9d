/**
 * Staff commands for the public pages and open data (issue 15): what of a question is published,
 * an event's minutes and recording links, survey publication, and the open-data export.
 * The back-office will offer the same actions as buttons; both call src/services/transparency.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  buildDataset,
  datasetCsv,
  datasetJson,
  dictionaryOf,
  DATASET_NAMES,
} from "../../services/transparency/open-data.ts";
import {
  isAnswerPublished,
  personalDataText,
  publishedAnswerFindings,
  setEventLinks,
  setQuestionPublication,
  setSurveyPublished,
  type PublicationError,
} from "../../services/transparency/publication.ts";
import { createPublicData } from "../../services/transparency/public-data.ts";
import type { PersonalDataKind } from "../../core/transparency/personal-data.ts";
import { idArg, parse, required } from "../args.ts";
import type { Cli, Subcommand } from "../context.ts";
import { writeExport } from "../csv.ts";
import { actorFrom } from "../domain-args.ts";
import { CliError } from "../output.ts";

const refused = (cli: Cli, error: PublicationError, personalData: readonly PersonalDataKind[] = []) =>
  new CliError(`publication.errors.${error}`, { kinds: personalDataText(cli.tr, personalData) });

/**
 * `rinde questions publish <radicado> [--summary <text>] [--answer | --no-answer | --default-answer]
 * [--public-answer <text> [--confirm]]`: `--public-answer` is the answer as the public pages show it
 * (the office's version without personal data, or the recorded answer confirmed; "" removes it).
 */
export async function runQuestionPublish(cli: Cli, args: string[]): Promise<void> {
  const { values, positionals } = parse(
    args,
    {
      summary: { type: "string" },
      answer: { type: "boolean" },
      "no-answer": { type: "boolean" },
      "default-answer": { type: "boolean" },
      "public-answer": { type: "string" },
      confirm: { type: "boolean" },
      as: { type: "string" },
    },
    1,
  );
  const choices = [values.answer, values["no-answer"], values["default-answer"]].filter(Boolean).length;
  if (choices > 1) throw new CliError("publication.one_answer_choice");
  const publishAnswer = values.answer
    ? true
    : values["no-answer"]
      ? false
      : values["default-answer"]
        ? null
        : undefined;
  const publicAnswer = values["public-answer"];
  if (publishAnswer === undefined && values.summary === undefined && publicAnswer === undefined)
    throw new CliError("publication.what_to_publish");
  const result = await setQuestionPublication(
    cli.runtime.app,
    await actorFrom(cli, values.as),
    required(positionals[0], "<radicado>"),
    { publishAnswer, summary: values.summary, answer: publicAnswer, confirmed: values.confirm === true },
  );
  if (!result.ok) throw refused(cli, result.error, result.personalData);
  const q = result.question;
  const published = isAnswerPublished(q);
  const answer = `${cli.t(published ? "publication.answer_published" : "publication.answer_not_published")}${q.publishAnswer === null ? ` ${cli.t("publication.by_default")}` : ""}`;
  cli.out(
    cli.t("publication.question", {
      reference: q.reference,
      answer,
      summary: cli.t(q.publishedSummary ? "publication.summary_published" : "publication.summary_none"),
    }),
  );
  if (!published || q.answerText === null) return;
  if (q.publishedAnswer !== null) cli.out(cli.t("publication.public_answer_by_office"));
  else {
    const found = await publishedAnswerFindings(cli.runtime.app, q);
    if (found.length) cli.out(cli.t("publication.answer_under_review", { kinds: personalDataText(cli.tr, found) }));
  }
}

/** `rinde events minutes <id> [--url <minutes link>] [--recording <link>]` (an empty value removes the link). */
export async function runEventMinutes(cli: Cli, args: string[]): Promise<void> {
  const { values, positionals } = parse(
    args,
    { url: { type: "string" }, recording: { type: "string" }, as: { type: "string" } },
    1,
  );
  const id = idArg(required(positionals[0], "<evento>"), "<evento>");
  if (values.url === undefined && values.recording === undefined) throw new CliError("publication.give_links");
  const result = await setEventLinks(cli.runtime.app, await actorFrom(cli, values.as), id, {
    minutesUrl: values.url,
    recordingUrl: values.recording,
  });
  if (!result.ok) throw refused(cli, result.error);
  const none = cli.t("publication.link_none");
  cli.out(
    cli.t("publication.event", {
      id,
      minutes: result.event.minutesUrl ?? none,
      recording: result.event.recordingUrl ?? none,
    }),
  );
}

/** `rinde surveys publish <survey> [--withdraw]`. */
export async function runSurveyPublish(cli: Cli, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { withdraw: { type: "boolean" }, as: { type: "string" } }, 1);
  const surveyId = required(positionals[0], "<encuesta>");
  const result = await setSurveyPublished(cli.runtime.app, await actorFrom(cli, values.as), surveyId, !values.withdraw);
  if (!result.ok) throw refused(cli, result.error);
  cli.out(
    cli.t(result.published ? "publication.survey_published" : "publication.survey_withdrawn", { survey: surveyId }),
  );
}

/**
 * `rinde opendata export --out <dir> [--force]`: the five datasets and their dictionaries, CSV and
 * JSON, with names and values in the operator's language (`--lang`; Spanish by default).
 */
async function exportOpenData(cli: Cli, args: string[]): Promise<void> {
  const { values } = parse(args, { out: { type: "string" }, force: { type: "boolean" } }, 0);
  const dir = required(values.out, "--out");
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const { app } = cli.runtime;
  const t = (key: string) => app.translator.t(cli.lang, key);
  const data = createPublicData(app);
  const startedMs = Date.now();
  let files = 0;
  for (const name of DATASET_NAMES) {
    const dataset = await buildDataset(app, data, name, t);
    const dictionary = dictionaryOf(name, t);
    writeExport(join(dir, `${name}.csv`), datasetCsv(dataset), values.force);
    writeExport(join(dir, `${name}.json`), datasetJson(dataset), values.force);
    writeExport(join(dir, `${name}_diccionario.csv`), datasetCsv(dictionary), values.force);
    writeExport(join(dir, `${name}_diccionario.json`), datasetJson(dictionary), values.force);
    cli.out(cli.t("publication.dataset", { name, count: dataset.rows.length }));
    files += 4;
  }
  cli.out(cli.t("publication.written", { count: files, dir, ms: Date.now() - startedMs }));
}

export const openDataCommands: Record<string, Subcommand> = { export: exportOpenData };
