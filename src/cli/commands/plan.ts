/**
 * `rinde plan …`: the accountability strategy as live data (issue 16) — load a plan YAML, import
 * the seeds' spreadsheet layout, see each activity's state, report progress with evidence, record
 * a published answer report, and the year's evaluation report (text, CSV for Excel, JSON). Texts
 * come from `locales/<lang>/plan.json` in the CLI's language (`--lang en` or RINDE_LANG=en); a plan
 * with mistakes is refused with every problem (`file › path: problem`) in that language.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../config/env.ts";
import { formatLongDate } from "../../core/calendar/index.ts";
import { ACTIVITY_STATES, formatPlanProblem, type ActivityState, type PlanProblem } from "../../core/plan/index.ts";
import { officeName } from "../../services/context.ts";
import {
  importPlanFromFile,
  planContextOf,
  planReport,
  planStatus,
  publishAnswerReport,
  readPlanFile,
  recordPlanProgress,
  storePlan,
  type ActivityStatus,
  type PlanError,
  type PlanReport,
} from "../../services/plan/index.ts";
import { evidenceText, planReportCsv, type PlanTexts } from "../../services/plan/report-csv.ts";
import { parse, readInputBytes, required } from "../args.ts";
import type { Cli, Subcommand } from "../context.ts";
import { separatorArg, writeExport } from "../csv.ts";
import { actorFrom, actorText } from "../domain-args.ts";
import { CliError, table } from "../output.ts";

/** Plan texts (`plan.*`) in the CLI's language, with its number and date formats. */
type T = PlanTexts["t"] & PlanTexts & { date(value: string): string };

function textsOf(cli: Cli): T {
  const format = new Intl.NumberFormat(cli.lang === "en" ? "en-US" : "es-CO", { maximumFractionDigits: 1 });
  const t = (key: string, vars: Record<string, unknown> = {}) => cli.tr(`plan.${key}`, vars);
  return Object.assign(t, {
    t,
    number: (value: number) => format.format(value),
    date: (value: string) => formatLongDate(value, cli.lang),
  });
}

/** Refuses with the plan error's text; `reason` tells the audit log why (`plan.errors.not_allowed`). */
function fail(t: T, error: PlanError): never {
  throw new CliError("errors.text", { text: t(`errors.${error}`), reason: `plan.errors.${error}` });
}

/** Refuses a plan file with every problem, one per line in the CLI's language, and a summary. */
export function problemsError(
  cli: Cli,
  file: string,
  problems: readonly PlanProblem[],
  summaryKey: "cli.import_failed" | "cli.load_failed",
): CliError {
  const lines = problems.map((p) => formatPlanProblem(file, p, cli.tr(p.key, p.vars)));
  return new CliError("errors.text", { text: cli.tr(`plan.${summaryKey}`, { count: problems.length, file }) }, lines);
}

/** A whole or decimal number as staff type it: `12`, `12.5`, `12,5`, `15.000` (thousands). */
export function parseNumber(t: T, text: string, flag: string): number {
  const value = text.trim();
  if (/^\d{1,3}(\.\d{3})+$/.test(value)) return Number(value.replace(/\./g, ""));
  if (/^\d+([.,]\d+)?$/.test(value)) return Number(value.replace(",", "."));
  throw new CliError("errors.text", { text: t("cli.errors.number", { flag, value: text }) });
}

function yearArg(t: T, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}$/.test(value)) throw new CliError("errors.text", { text: t("cli.errors.year", { value }) });
  return Number(value);
}

function percentText(t: T, value: number | null, unit: string): string {
  if (value === null) return "—";
  return `${t.number(value)}${unit === "percent" ? "%" : ""}`;
}

function stateText(t: T, a: Pick<ActivityStatus, "state" | "started">): string {
  return a.state === "on_track" && !a.started ? t("not_started") : t(`state.${a.state}`);
}

function activityRow(cli: Cli, t: T, a: ActivityStatus) {
  const unit = a.goal.unit;
  const districts = a.districts.map((d) =>
    t("districts_reached", { kind: t(`district_kind.${d.kind}`), reached: d.reachedNow, required: d.required }),
  );
  return {
    [t("cli.col.id")]: a.id,
    [t("cli.col.state")]: stateText(t, a),
    [t("cli.col.achieved")]: [percentText(t, a.value, unit), ...districts].join("; "),
    [t("cli.col.goal")]: percentText(t, a.goal.value, unit),
    [t("cli.col.expected")]: a.state === "on_track" || a.state === "at_risk" ? percentText(t, a.expected, unit) : "",
    [t("cli.col.end")]: a.end,
    [t("cli.col.indicator")]: t(`indicator.${a.indicator}`),
    [t("cli.col.offices")]: a.offices.map((o) => officeName(cli.runtime.app, o)).join(", "),
    [t("cli.col.activity")]: a.activity,
  };
}

const STATUS_COLUMNS = ["id", "state", "achieved", "goal", "expected", "end", "indicator", "offices", "activity"];

export const planCommands: Record<string, Subcommand> = {
  async load(cli, args) {
    const { values, positionals } = parse(args, { as: { type: "string" } });
    const t = textsOf(cli);
    const file = required(positionals[0], "<file.yaml>");
    const read = readPlanFile(file, planContextOf(cli.runtime.app, cli.runtime.surveys.keys()));
    if (!read.ok) throw problemsError(cli, file, read.problems, "cli.load_failed");
    const { plan, sha256 } = read;
    const outcome = await storePlan(cli.runtime.app, await actorFrom(cli, values.as), {
      plan,
      sha256,
      sourceFile: file,
    });
    if (!outcome.ok) fail(t, outcome.error);
    const lines = [t("cli.loaded", { year: plan.year, file, activities: outcome.activities })];
    if (outcome.replaced) lines.push(t("cli.replaced", { year: plan.year }));
    cli.out(lines.join("\n"));
  },
  async import(cli, args) {
    const { values, positionals } = parse(args, {
      year: { type: "string" },
      title: { type: "string" },
      out: { type: "string" },
      force: { type: "boolean" },
      "default-office": { type: "string" },
    });
    const t = textsOf(cli);
    const file = required(positionals[0], "<file.xlsx|file.csv>");
    const outcome = await importPlanFromFile(cli.runtime.app, readInputBytes(file), {
      source: file,
      surveyIds: cli.runtime.surveys.keys(),
      year: yearArg(t, values.year),
      title: values.title,
      defaultOffice: values["default-office"],
    });
    if (!outcome.ok) throw problemsError(cli, file, outcome.problems, "cli.import_failed");
    const out = values.out ?? join(PROJECT_ROOT, "plans", `${cli.runtime.app.profile.id}-${outcome.plan.year}.yaml`);
    if (existsSync(out) && !values.force)
      throw new CliError("errors.text", { text: t("cli.errors.file_exists", { path: out }) });
    writeExport(out, outcome.yaml, values.force);
    const count = outcome.plan.components.reduce((n, c) => n + c.activities.length, 0);
    cli.out(t("cli.imported", { count, file, out }));
  },
  async status(cli, args) {
    const { values } = parse(args, {
      year: { type: "string" },
      office: { type: "string" },
      state: { type: "string" },
      json: { type: "boolean" },
    });
    const t = textsOf(cli);
    if (values.state && !(ACTIVITY_STATES as readonly string[]).includes(values.state))
      throw new CliError("errors.text", { text: t("cli.errors.state", { states: ACTIVITY_STATES.join(", ") }) });
    const outcome = await planStatus(cli.runtime.app, await planYear(cli, t, values.year));
    if (!outcome.ok) fail(t, outcome.error);
    const status = outcome.status;
    const activities = status.activities.filter(
      (a) =>
        (!values.office || a.offices.includes(values.office)) &&
        (!values.state || a.state === (values.state as ActivityState)),
    );
    if (values.json) return cli.json({ ...status, activities });
    const lines = [
      t("cli.status_title", { title: status.title, todayText: t.date(status.today) }),
      t("cli.status_counts", { total: status.activities.length, ...status.byState }),
      "",
      table(
        activities.map((a) => activityRow(cli, t, a)),
        STATUS_COLUMNS.map((c) => t(`cli.col.${c}`)),
      ),
    ];
    cli.out(lines.join("\n"));
  },
  async show(cli, args) {
    const { values, positionals } = parse(args, { year: { type: "string" }, json: { type: "boolean" } });
    const t = textsOf(cli);
    const outcome = await planStatus(cli.runtime.app, await planYear(cli, t, values.year));
    if (!outcome.ok) fail(t, outcome.error);
    const activity = outcome.status.activities.find((a) => a.id === required(positionals[0], "<activity>"));
    if (!activity) fail(t, "activity_not_found");
    if (values.json) return cli.json(activity);
    const row = { ...activityRow(cli, t, activity), [t("cli.col.goal_text")]: activity.goal.text };
    const width = Math.max(...Object.keys(row).map((k) => k.length));
    const lines = Object.entries(row).map(([k, v]) => `${k.padEnd(width)}  ${String(v)}`);
    for (const d of activity.districts.filter((x) => x.missing.length)) {
      const names = d.missing
        .map((key) => cli.runtime.app.profile.districts.find((x) => x.key === key)?.name ?? key)
        .join(", ");
      lines.push(t("cli.missing_districts", { kind: t(`district_kind.${d.kind}`), names }));
    }
    lines.push("", `${t("cli.col.evidence")}:`);
    lines.push(
      ...(activity.evidence.length
        ? activity.evidence.map((e) => `  ${evidenceText(t, e)}`)
        : [`  ${t("cli.no_history")}`]),
    );
    cli.out(lines.join("\n"));
  },
  async progress(cli, args) {
    const { values, positionals } = parse(args, {
      value: { type: "string" },
      evidence: { type: "string" },
      note: { type: "string" },
      year: { type: "string" },
      as: { type: "string" },
    });
    const t = textsOf(cli);
    const year = await planYear(cli, t, values.year);
    const activityId = required(positionals[0], "<activity>");
    const value = parseNumber(t, required(values.value, "--value"), "--value");
    const outcome = await recordPlanProgress(cli.runtime.app, await actorFrom(cli, values.as), {
      year,
      activityId,
      value,
      evidenceUrl: required(values.evidence, "--evidence"),
      note: values.note ?? null,
    });
    if (!outcome.ok) fail(t, outcome.error);
    const goal = (await cli.runtime.app.repos.plan.get(year))!.definition.components
      .flatMap((c) => c.activities)
      .find((a) => a.id === activityId)!.goal;
    cli.out(
      t("cli.progress", {
        id: activityId,
        value: percentText(t, value, goal.unit),
        goal: percentText(t, goal.value, goal.unit),
        previous: percentText(t, outcome.previous, goal.unit),
        actor: await actorText(cli, outcome.entry.actor),
        url: outcome.entry.evidenceUrl,
      }),
    );
  },
  async "publish-answers"(cli, args) {
    const { values, positionals } = parse(args, { url: { type: "string" }, as: { type: "string" } });
    const t = textsOf(cli);
    const eventId = Number(required(positionals[0], "<event id>"));
    if (!Number.isInteger(eventId) || eventId <= 0)
      throw new CliError("errors.text", { text: t("cli.errors.event_id", { value: positionals[0] }) });
    const outcome = await publishAnswerReport(
      cli.runtime.app,
      await actorFrom(cli, values.as),
      eventId,
      required(values.url, "--url"),
    );
    if (!outcome.ok) fail(t, outcome.error);
    const r = outcome.report;
    cli.out(t("cli.published", { eventId, url: r.url, answered: r.answered, questions: r.questions }));
  },
  async report(cli, args) {
    const { values } = parse(args, {
      year: { type: "string" },
      csv: { type: "boolean" },
      json: { type: "boolean" },
      out: { type: "string" },
      force: { type: "boolean" },
      separator: { type: "string" },
    });
    const t = textsOf(cli);
    const outcome = await planReport(cli.runtime.app, await planYear(cli, t, values.year));
    if (!outcome.ok) fail(t, outcome.error);
    const report = outcome.report;
    if (values.json) return write(cli, values.out, values.force, `${JSON.stringify(report, null, 2)}\n`);
    if (values.csv)
      return write(
        cli,
        values.out,
        values.force,
        planReportCsv(cli.runtime.app, t, report, separatorArg(values.separator)),
      );
    write(cli, values.out, values.force, `${reportText(cli, t, report)}\n`);
  },
};

/**
 * The plan a command works on: `--year` when given, else the current year's plan when it is
 * loaded, else the most recent loaded plan (said on stderr, so `--json` output stays clean). A
 * year without a plan is refused naming the loaded years.
 */
async function planYear(cli: Cli, t: T, value: string | undefined): Promise<number> {
  const asked = yearArg(t, value);
  const loaded = (await cli.runtime.app.repos.plan.list()).map((row) => row.year).sort((a, b) => b - a);
  const wanted = asked ?? planYearNow(cli);
  if (loaded.includes(wanted)) return wanted;
  if (loaded.length === 0) fail(t, "plan_not_found");
  const years = loaded.join(", ");
  if (asked !== undefined)
    throw new CliError("errors.text", {
      text: t("cli.errors.no_plan_for_year", { year: asked, years, latestYear: loaded[0] }),
      reason: "plan.errors.plan_not_found",
    });
  cli.err(t("cli.year_used", { year: loaded[0], thisYear: wanted }));
  return loaded[0]!;
}

function planYearNow(cli: Cli): number {
  const { app } = cli.runtime;
  return Number(
    new Intl.DateTimeFormat("en-CA", { timeZone: app.profile.timezone, year: "numeric" }).format(
      new Date(app.clock.nowMs()),
    ),
  );
}

function write(cli: Cli, out: string | undefined, force: boolean | undefined, content: string): void {
  if (!out) return void cli.io.stdout.write(content);
  writeExport(out, content, force);
  cli.out(out);
}

const share = (value: number | null) => (value === null ? "—" : `${Math.round(value * 10) / 10}%`);

function reportText(cli: Cli, t: T, r: PlanReport): string {
  const lines = [
    t("cli.report_title", { year: r.year, title: r.title, todayText: t.date(r.today) }),
    t("cli.report_totals", {
      total: r.totals.activities,
      ...r.totals.byState,
      doneOnTime: r.totals.doneOnTime,
      doneLate: r.totals.doneLate,
    }),
  ];
  const col = (c: string) => t(`cli.col.${c}`);
  for (const c of r.components) {
    lines.push(
      "",
      `${t(`component.${c.kind}`)}: ${t("cli.report_component", { name: c.name, done: c.byState.done, total: c.activities.length })}`,
    );
    const rows = c.activities.map((a) => ({
      ...activityRow(cli, t, a),
      [col("on_time")]: a.onTime === null ? "" : t(a.onTime ? "cli.yes" : "cli.no"),
      [col("evidence")]: a.evidence
        .slice(0, 3)
        .map((e) => evidenceText(t, e))
        .join(" | "),
    }));
    lines.push(table(rows, ["id", "state", "achieved", "goal", "on_time", "end", "indicator", "evidence"].map(col)));
  }
  const s = r.spaces;
  lines.push(
    "",
    t("cli.report_spaces", s),
    t("cli.report_by_kind"),
    table(
      s.byKind.map((k) => ({ [col("kind")]: t(`cli.event_kind.${k.kind}`), [col("held")]: k.held })),
      [col("kind"), col("held")],
    ),
  );
  lines.push(
    t("cli.report_by_district"),
    table(
      s.byDistrict.map((d) => ({ [col("district")]: d.name, [col("kind")]: d.kind, [col("held")]: d.held })),
      [col("district"), col("kind"), col("held")],
    ),
  );
  lines.push(
    "",
    t("cli.report_groups"),
    table(
      r.groups
        .filter((g) => g.events > 0)
        .map((g) => ({ [col("topic")]: g.name, [col("events")]: g.events, [col("rsvp")]: g.rsvpYes })),
      [col("topic"), col("events"), col("rsvp")],
    ),
  );
  const q = r.questions;
  lines.push("", t("cli.report_questions", { ...q, onTime: share(q.onTimeShare) }));
  const c = r.commitments;
  lines.push(
    t("cli.report_commitments", {
      total: c.total,
      ...c.byStatus,
      withProgress: c.withProgress,
      onTime: c.shareDoneOnTime === null ? "—" : `${c.doneOnTime}/${c.dueSoFar}`,
    }),
  );
  lines.push(
    "",
    t("cli.report_satisfaction"),
    table(
      r.satisfaction.map((h) => ({
        [col("survey")]: h.surveyId,
        [col("responses")]: h.responses,
        [col("mean")]: h.mean ?? "",
        [col("yes_share")]: h.yesShare == null ? "" : `${Math.round(h.yesShare * 100)}%`,
      })),
      [col("survey"), col("responses"), col("mean"), col("yes_share")],
    ),
  );
  return lines.join("\n");
}
