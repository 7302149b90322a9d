/**
 * `rinde plan …`: the accountability strategy as live data (issue 16) — load a plan YAML, import
 * the seeds' spreadsheet layout, see each activity's state, report progress with evidence, record
 * a published answer report, and the year's evaluation report (text, CSV for Excel, JSON). Texts
 * come from `locales/<lang>/plan.json` (Spanish by default; `--lang en` or RINDE_LANG=en).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import { PROJECT_ROOT } from "../../config/env.ts";
import { formatLongDate } from "../../core/calendar/index.ts";
import { escapeFormulaCell } from "../../core/csv-cells.ts";
import { ACTIVITY_STATES, type ActivityState } from "../../core/plan/index.ts";
import type { Runtime } from "../../runtime.ts";
import { officeName } from "../../services/context.ts";
import type { Evidence } from "../../services/plan/measure.ts";
import { importPlanFromCsv, planContextOf, planReport, planStatus, publishAnswerReport, readPlanFile, recordPlanProgress, storePlan, type ActivityStatus, type PlanError, type PlanReport } from "../../services/plan/index.ts";
import { actorFrom } from "../actor.ts";
import { parse, readInputFile, required } from "../args.ts";
import { writeExport } from "../csv.ts";
import { CliError, printJson, table } from "../output.ts";

type T = ((key: string, vars?: Record<string, unknown>) => string) & { number(value: number): string; date(value: string): string };

function translatorOf(runtime: Runtime, lang: string | undefined): T {
  const locale = lang ?? process.env.RINDE_LANG ?? "es";
  const format = new Intl.NumberFormat(locale === "en" ? "en-US" : "es-CO", { maximumFractionDigits: 1 });
  const t = (key: string, vars: Record<string, unknown> = {}) => runtime.app.translator.t(locale, `plan.${key}`, vars, runtime.app.textGlobals);
  return Object.assign(t, { number: (value: number) => format.format(value), date: (value: string) => formatLongDate(value, locale === "en" ? "en" : "es") });
}

const LANG = { lang: { type: "string" } } as const;

function fail(t: T, error: PlanError): never {
  throw new CliError(t(`errors.${error}`));
}

/** A whole or decimal number as staff type it: `12`, `12.5`, `12,5`, `15.000` (thousands). */
export function parseNumber(t: T, text: string, flag: string): number {
  const value = text.trim();
  if (/^\d{1,3}(\.\d{3})+$/.test(value)) return Number(value.replace(/\./g, ""));
  if (/^\d+([.,]\d+)?$/.test(value)) return Number(value.replace(",", "."));
  throw new CliError(t("cli.errors.number", { flag, value: text }));
}

function yearArg(t: T, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}$/.test(value)) throw new CliError(t("cli.errors.year", { value }));
  return Number(value);
}

function percentText(t: T, value: number | null, unit: string): string {
  if (value === null) return "—";
  return `${t.number(value)}${unit === "percent" ? "%" : ""}`;
}

function evidenceText(t: T, e: Evidence): string {
  switch (e.kind) {
    case "event":
      return `#${e.eventId} ${e.date} ${e.title}${e.districts.length ? ` [${e.districts.join(", ")}]` : ""}`;
    case "progress":
      return `${e.date} ${t.number(e.value)} ${e.url}`;
    case "answer_report":
      return `#${e.eventId} ${e.date} ${e.url}`;
    case "count":
      return `${t(`evidence.${e.what}`)}: ${t.number(e.value)}`;
  }
  return t("cli.none");
}

function stateText(t: T, a: Pick<ActivityStatus, "state" | "started">): string {
  return a.state === "on_track" && !a.started ? t("not_started") : t(`state.${a.state}`);
}

function activityRow(runtime: Runtime, t: T, a: ActivityStatus) {
  const unit = a.goal.unit;
  const districts = a.districts.map((d) => t("districts_reached", { kind: t(`district_kind.${d.kind}`), reached: d.reachedNow, required: d.required }));
  return {
    [t("cli.col.id")]: a.id,
    [t("cli.col.state")]: stateText(t, a),
    [t("cli.col.achieved")]: [percentText(t, a.value, unit), ...districts].join("; "),
    [t("cli.col.goal")]: percentText(t, a.goal.value, unit),
    [t("cli.col.expected")]: a.state === "on_track" || a.state === "at_risk" ? percentText(t, a.expected, unit) : "",
    [t("cli.col.end")]: a.end,
    [t("cli.col.indicator")]: t(`indicator.${a.indicator}`),
    [t("cli.col.offices")]: a.offices.map((o) => officeName(runtime.app, o)).join(", "),
    [t("cli.col.activity")]: a.activity,
  };
}

const STATUS_COLUMNS = ["id", "state", "achieved", "goal", "expected", "end", "indicator", "offices", "activity"];

const subcommands: Record<string, (runtime: Runtime, args: string[]) => Promise<void> | void> = {
  async load(runtime, args) {
    const { values, positionals } = parse(args, { as: { type: "string" }, ...LANG });
    const t = translatorOf(runtime, values.lang);
    const file = required(positionals[0], "<file.yaml>");
    const { plan, sha256 } = readPlanFile(file, planContextOf(runtime.app, runtime.surveys.keys()));
    const outcome = await storePlan(runtime.app, await actorFrom(runtime, values.as), { plan, sha256, sourceFile: file });
    if (!outcome.ok) fail(t, outcome.error);
    const lines = [t("cli.loaded", { year: plan.year, file, activities: outcome.activities })];
    if (outcome.replaced) lines.push(t("cli.replaced", { year: plan.year }));
    process.stdout.write(`${lines.join("\n")}\n`);
  },
  import(runtime, args) {
    const { values, positionals } = parse(args, { year: { type: "string" }, title: { type: "string" }, out: { type: "string" }, force: { type: "boolean" }, "default-office": { type: "string" }, ...LANG });
    const t = translatorOf(runtime, values.lang);
    const file = required(positionals[0], "<file.csv>");
    const outcome = importPlanFromCsv(runtime.app, readInputFile(file), { source: file, surveyIds: runtime.surveys.keys(), year: yearArg(t, values.year), title: values.title, defaultOffice: values["default-office"] });
    if (!outcome.ok) {
      for (const p of outcome.problems) process.stderr.write(p.line > 0 ? `${file}:${p.line}: ${p.message}\n` : `${p.message}\n`);
      throw new CliError(t("cli.import_failed", { count: outcome.problems.length, file }));
    }
    const out = values.out ?? join(PROJECT_ROOT, "plans", `${runtime.app.profile.id}-${outcome.plan.year}.yaml`);
    if (existsSync(out) && !values.force) throw new CliError(t("cli.errors.file_exists", { path: out }));
    writeExport(out, outcome.yaml, values.force);
    const count = outcome.plan.components.reduce((n, c) => n + c.activities.length, 0);
    process.stdout.write(`${t("cli.imported", { count, file, out })}\n`);
  },
  async status(runtime, args) {
    const { values } = parse(args, { year: { type: "string" }, office: { type: "string" }, state: { type: "string" }, json: { type: "boolean" }, ...LANG });
    const t = translatorOf(runtime, values.lang);
    if (values.state && !(ACTIVITY_STATES as readonly string[]).includes(values.state)) throw new CliError(t("cli.errors.state", { states: ACTIVITY_STATES.join(", ") }));
    const outcome = await planStatus(runtime.app, yearArg(t, values.year));
    if (!outcome.ok) fail(t, outcome.error);
    const status = outcome.status;
    const activities = status.activities.filter((a) => (!values.office || a.offices.includes(values.office)) && (!values.state || a.state === (values.state as ActivityState)));
    if (values.json) return printJson({ ...status, activities });
    const lines = [
      t("cli.status_title", { title: status.title, todayText: t.date(status.today) }),
      t("cli.status_counts", { total: status.activities.length, ...status.byState }),
      "",
      table(activities.map((a) => activityRow(runtime, t, a)), STATUS_COLUMNS.map((c) => t(`cli.col.${c}`))),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  },
  async show(runtime, args) {
    const { values, positionals } = parse(args, { year: { type: "string" }, json: { type: "boolean" }, ...LANG });
    const t = translatorOf(runtime, values.lang);
    const outcome = await planStatus(runtime.app, yearArg(t, values.year));
    if (!outcome.ok) fail(t, outcome.error);
    const activity = outcome.status.activities.find((a) => a.id === required(positionals[0], "<activity>"));
    if (!activity) fail(t, "activity_not_found");
    if (values.json) return printJson(activity);
    const row = { ...activityRow(runtime, t, activity), [t("cli.col.goal_text")]: activity.goal.text };
    const width = Math.max(...Object.keys(row).map((k) => k.length));
    const lines = Object.entries(row).map(([k, v]) => `${k.padEnd(width)}  ${String(v)}`);
    for (const d of activity.districts.filter((x) => x.missing.length)) {
      const names = d.missing.map((key) => runtime.app.profile.districts.find((x) => x.key === key)?.name ?? key).join(", ");
      lines.push(t("cli.missing_districts", { kind: t(`district_kind.${d.kind}`), names }));
    }
    lines.push("", `${t("cli.col.evidence")}:`);
    lines.push(...(activity.evidence.length ? activity.evidence.map((e) => `  ${evidenceText(t, e)}`) : [`  ${t("cli.no_history")}`]));
    process.stdout.write(`${lines.join("\n")}\n`);
  },
  async progress(runtime, args) {
    const { values, positionals } = parse(args, { value: { type: "string" }, evidence: { type: "string" }, note: { type: "string" }, year: { type: "string" }, as: { type: "string" }, ...LANG });
    const t = translatorOf(runtime, values.lang);
    const year = yearArg(t, values.year) ?? planYearNow(runtime);
    const activityId = required(positionals[0], "<activity>");
    const value = parseNumber(t, required(values.value, "--value"), "--value");
    const outcome = await recordPlanProgress(runtime.app, await actorFrom(runtime, values.as), { year, activityId, value, evidenceUrl: required(values.evidence, "--evidence"), note: values.note ?? null });
    if (!outcome.ok) fail(t, outcome.error);
    const goal = (await runtime.app.repos.plan.get(year))!.definition.components.flatMap((c) => c.activities).find((a) => a.id === activityId)!.goal;
    process.stdout.write(`${t("cli.progress", { id: activityId, value: percentText(t, value, goal.unit), goal: percentText(t, goal.value, goal.unit), previous: percentText(t, outcome.previous, goal.unit), actor: outcome.entry.actor, url: outcome.entry.evidenceUrl })}\n`);
  },
  async "publish-answers"(runtime, args) {
    const { values, positionals } = parse(args, { url: { type: "string" }, as: { type: "string" }, ...LANG });
    const t = translatorOf(runtime, values.lang);
    const eventId = Number(required(positionals[0], "<event id>"));
    if (!Number.isInteger(eventId) || eventId <= 0) throw new CliError(t("cli.errors.event_id", { value: positionals[0] }));
    const outcome = await publishAnswerReport(runtime.app, await actorFrom(runtime, values.as), eventId, required(values.url, "--url"));
    if (!outcome.ok) fail(t, outcome.error);
    const r = outcome.report;
    process.stdout.write(`${t("cli.published", { eventId, url: r.url, answered: r.answered, questions: r.questions })}\n`);
  },
  async report(runtime, args) {
    const { values } = parse(args, { year: { type: "string" }, csv: { type: "boolean" }, json: { type: "boolean" }, out: { type: "string" }, force: { type: "boolean" }, separator: { type: "string" }, ...LANG });
    const t = translatorOf(runtime, values.lang);
    const outcome = await planReport(runtime.app, yearArg(t, values.year) ?? planYearNow(runtime));
    if (!outcome.ok) fail(t, outcome.error);
    const report = outcome.report;
    if (values.json) return write(values.out, values.force, `${JSON.stringify(report, null, 2)}\n`);
    if (values.csv) return write(values.out, values.force, reportCsv(runtime, t, report, values.separator === "," ? "," : ";"));
    write(values.out, values.force, `${reportText(runtime, t, report)}\n`);
  },
};

function planYearNow(runtime: Runtime): number {
  return Number(new Intl.DateTimeFormat("en-CA", { timeZone: runtime.app.profile.timezone, year: "numeric" }).format(new Date(runtime.app.clock.nowMs())));
}

function write(out: string | undefined, force: boolean | undefined, content: string): void {
  if (!out) return void process.stdout.write(content);
  writeExport(out, content, force);
  process.stdout.write(`${out}\n`);
}

/** One row per activity, UTF-8 with BOM and `;` (Excel in Colombia) unless `--separator ,`. */
export function reportCsv(runtime: Runtime, t: T, report: PlanReport, delimiter: ";" | ","): string {
  const rows = report.components.flatMap((c) =>
    c.activities.map((a) => ({
      component: t(`component.${c.kind}`),
      subcomponent: c.name,
      id: a.id,
      activity: a.activity,
      product: a.product,
      goal_text: a.goal.text,
      goal: a.goal.value,
      unit: a.goal.unit,
      achieved: a.value ?? "",
      achieved_by_end: a.valueByEnd ?? "",
      state: t(`state.${a.state}`),
      on_time: a.onTime === null ? "" : t(a.onTime ? "cli.yes" : "cli.no"),
      start: a.start,
      end: a.end,
      offices: a.offices.map((o) => officeName(runtime.app, o)).join(" / "),
      measured_by: t(`indicator.${a.indicator}`),
      evidence: a.evidence.map((e) => evidenceText(t, e)).join(" | "),
    })),
  );
  const columns = ["component", "subcomponent", "id", "activity", "product", "goal_text", "goal", "unit", "achieved", "achieved_by_end", "state", "on_time", "start", "end", "offices", "measured_by", "evidence"];
  const csv = stringify(rows, { header: true, columns, delimiter, cast: { string: (v) => escapeFormulaCell(v), number: (n) => (delimiter === ";" ? String(n).replace(".", ",") : String(n)) } });
  return `\uFEFF${csv}`;
}

const share = (value: number | null) => (value === null ? "—" : `${Math.round(value * 10) / 10}%`);

function reportText(runtime: Runtime, t: T, r: PlanReport): string {
  const lines = [t("cli.report_title", { year: r.year, title: r.title, todayText: t.date(r.today) }), t("cli.report_totals", { total: r.totals.activities, ...r.totals.byState, doneOnTime: r.totals.doneOnTime, doneLate: r.totals.doneLate })];
  const col = (c: string) => t(`cli.col.${c}`);
  for (const c of r.components) {
    lines.push("", `${t(`component.${c.kind}`)}: ${t("cli.report_component", { name: c.name, done: c.byState.done, total: c.activities.length })}`);
    const rows = c.activities.map((a) => ({ ...activityRow(runtime, t, a), [col("on_time")]: a.onTime === null ? "" : t(a.onTime ? "cli.yes" : "cli.no"), [col("evidence")]: a.evidence.slice(0, 3).map((e) => evidenceText(t, e)).join(" | ") }));
    lines.push(table(rows, ["id", "state", "achieved", "goal", "on_time", "end", "indicator", "evidence"].map(col)));
  }
  const s = r.spaces;
  lines.push("", t("cli.report_spaces", s), t("cli.report_by_kind"), table(s.byKind.map((k) => ({ [col("kind")]: t(`cli.event_kind.${k.kind}`), [col("held")]: k.held })), [col("kind"), col("held")]));
  lines.push(t("cli.report_by_district"), table(s.byDistrict.map((d) => ({ [col("district")]: d.name, [col("kind")]: d.kind, [col("held")]: d.held })), [col("district"), col("kind"), col("held")]));
  lines.push("", t("cli.report_groups"), table(r.groups.filter((g) => g.events > 0).map((g) => ({ [col("topic")]: g.name, [col("events")]: g.events, [col("rsvp")]: g.rsvpYes })), [col("topic"), col("events"), col("rsvp")]));
  const q = r.questions;
  lines.push("", t("cli.report_questions", { ...q, onTime: share(q.onTimeShare) }));
  const c = r.commitments;
  lines.push(t("cli.report_commitments", { total: c.total, ...c.byStatus, withProgress: c.withProgress, onTime: c.shareDoneOnTime === null ? "—" : `${c.doneOnTime}/${c.dueSoFar}` }));
  lines.push("", t("cli.report_satisfaction"), table(r.satisfaction.map((h) => ({ [col("survey")]: h.surveyId, [col("responses")]: h.responses, [col("mean")]: h.mean ?? "", [col("yes_share")]: h.yesShare == null ? "" : `${Math.round(h.yesShare * 100)}%` })), [col("survey"), col("responses"), col("mean"), col("yes_share")]));
  return lines.join("\n");
}

export async function runPlan(runtime: Runtime, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (!sub || sub === "help" || sub === "--help" || sub === "-h") return void process.stdout.write(`${translatorOf(runtime, undefined)("cli.usage")}\n`);
  const command = subcommands[sub];
  if (!command) throw new CliError(translatorOf(runtime, undefined)("cli.errors.unknown_command", { sub, commands: Object.keys(subcommands).join(" | ") }));
  await command(runtime, rest);
}
