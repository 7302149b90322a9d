/**
 * The public pages' view models, rendered with eta (autoEscape on: every value is escaped unless
 * a template says `<%~`, used only for the SVG that src/core/transparency/trend-chart.ts escapes).
 */
import type { Eta } from "eta";
import { formatLongDate, toLocalDate } from "../../core/calendar/index.ts";
import { COMMITMENT_STATUSES, type CommitmentStatus } from "../../core/commitments.ts";
import { eventWhen } from "../../core/events.ts";
import type { PublicShare } from "../../core/transparency/stats.ts";
import { trendChartSvg } from "../../core/transparency/trend-chart.ts";
import type { CommitmentFilter } from "../../db/repositories/commitments.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import { officeName, type AppContext } from "../../services/context.ts";
import { DATASET_NAMES } from "../../services/transparency/open-data.ts";
import { monthlySeries, type PublicData } from "../../services/transparency/public-data.ts";
import { OTHER_SEGMENT, publicSurveys } from "../../services/transparency/surveys.ts";
import { publicPlanPage } from "../../services/transparency/plan.ts";

type Lang = "es" | "en";
export interface PageResult {
  html: string;
  status: number;
}

export const PAGE_SIZE = { commitments: 40, dialogueEvents: 10, dialogueQuestions: 15, planEvidence: 5 } as const;

const NAV = [
  { path: "/respuestas", key: "publico.nav.answers" },
  { path: "/preguntas", key: "publico.nav.dialogue" },
  { path: "/eventos", key: "publico.nav.events" },
  { path: "/compromisos", key: "publico.nav.commitments" },
  { path: "/encuestas", key: "publico.nav.surveys" },
  { path: "/plan-rendicion-cuentas", key: "publico.nav.plan" },
  { path: "/datos", key: "publico.nav.open_data" },
];

/** `path?query` keeping the language; empty values are left out. */
export function href(path: string, lang: Lang, params: Record<string, string | number | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") query.set(k, String(v));
  if (lang === "en") query.set("lang", "en");
  const q = query.toString();
  return q ? `${path}?${q}` : path;
}

function positiveInt(value: string | undefined): number | undefined {
  return value && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

export function createPages(app: AppContext, data: PublicData, eta: Eta) {
  const zone = app.profile.timezone;
  const helpers = (lang: Lang) => {
    const t = (key: string, vars: Record<string, unknown> = {}) =>
      app.translator.t(lang, key, vars, { entity: app.profile.name, municipality: app.profile.municipality });
    const num = (n: number) => n.toLocaleString(lang === "en" ? "en-US" : "es-CO");
    const pct = (n: number) =>
      `${n.toLocaleString(lang === "en" ? "en-US" : "es-CO", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
    return {
      lang,
      t,
      num,
      pct,
      href: (path: string, params?: Record<string, string | number | undefined>) => href(path, lang, params),
      share: (s: PublicShare) => (s.kind === "few" ? t("publico.few_cases") : pct(s.percent)),
      interval: (s: PublicShare) =>
        s.kind === "few" ? "" : t("publico.interval", { low: pct(s.low), high: pct(s.high) }),
      date: (localDate: string) => formatLongDate(localDate, lang),
      dateOfMs: (ms: number) => formatLongDate(toLocalDate(new Date(ms), zone), lang),
      when: (e: EventRecord) => {
        const w = eventWhen(e.startsAtMs, e.endsAtMs, zone, lang);
        return t("publico.events.when", { date: formatLongDate(w.date, lang), start: w.startTime, end: w.endTime });
      },
      officeName: (key: string) => officeName(app, key),
      districtName: (key: string) => app.profile.districts.find((d) => d.key === key)?.name ?? key,
      monthName: (month: string) =>
        new Date(`${month}-15T12:00:00Z`).toLocaleDateString(lang === "en" ? "en-US" : "es-CO", {
          month: "long",
          year: "numeric",
          timeZone: "UTC",
        }),
    };
  };

  function render(
    view: string,
    lang: Lang,
    path: string,
    title: string,
    model: Record<string, unknown>,
    status = 200,
  ): PageResult {
    const h = helpers(lang);
    const query = new URLSearchParams(path.split("?")[1] ?? "");
    query.delete("lang");
    const bare = path.split("?")[0]!;
    const other = lang === "en" ? "es" : "en";
    const switchHref = href(bare, other, Object.fromEntries(query));
    const html = eta.render(view, {
      ...h,
      ...model,
      title,
      site: app.profile.name,
      divipola: app.profile.divipola,
      nav: NAV.map((n) => ({
        href: h.href(n.path),
        label: h.t(n.key),
        current: bare === n.path || bare.startsWith(`${n.path}/`),
      })),
      switchHref,
      switchLabel: h.t("publico.switch_language"),
      switchLang: other,
    });
    return { html, status };
  }

  const notFound = (lang: Lang) =>
    render("not-found", lang, "/", helpers(lang).t("publico.not_found.title"), { text: "publico.not_found.text" }, 404);
  /** A failed request: the status kept, a plain text, nothing of the error itself. */
  const failed = (lang: Lang, status: number) =>
    render(
      "not-found",
      lang,
      "/",
      helpers(lang).t("publico.error.title"),
      { text: status >= 500 ? "publico.error.server" : "publico.error.request" },
      status,
    );

  async function trendSvg(lang: Lang, months: string[], officeKey: string | undefined, id: string): Promise<string> {
    const h = helpers(lang);
    const stats = await data.answerStats();
    const series = monthlySeries(stats, months, officeKey);
    const points = series.map(({ month, figures }) => {
      const share = data.officeRow(officeKey ?? "", figures).onTime;
      return { month, received: figures.received, onTimePercent: share.kind === "share" ? share.percent : null };
    });
    return trendChartSvg(
      points,
      {
        title: h.t("publico.answers.trend_title"),
        description: h.t("publico.answers.trend_description"),
        monthLabel: (m) => h.monthName(m).slice(0, 3),
      },
      id,
    );
  }

  return {
    notFound,
    failed,

    async home(lang: Lang): Promise<PageResult> {
      const h = helpers(lang);
      const year = data.today().slice(0, 4);
      const { total } = await data.officeRows(year);
      const { upcoming } = await data.events();
      const commitments = await data.commitments({});
      const stats = await data.answerStats();
      return render("home", lang, "/", h.t("publico.home.title"), {
        year,
        total,
        upcoming: upcoming.slice(0, 3),
        commitmentCount: commitments.length,
        commitmentsDone: commitments.filter((c) => c.status === "done").length,
        commitmentsOverdue: commitments.filter((c) => data.isOverdue(c)).length,
        computedAt: new Date(stats.computedAtMs).toISOString(),
      });
    },

    async answers(lang: Lang, period: string | undefined): Promise<PageResult> {
      const h = helpers(lang);
      const years = await data.years();
      const chosen = period && years.includes(period) ? period : years[0]!;
      const { rows, total } = await data.officeRows(chosen);
      const months = data.lastMonths();
      return render("answers", lang, href("/respuestas", lang, { periodo: period }), h.t("publico.answers.title"), {
        years,
        period: chosen,
        rows,
        total,
        minCount: app.profile.transparency.minCount,
        trend: await trendSvg(lang, months, undefined, "trend-all"),
        stats: await data.answerStats(),
      });
    },

    async officeAnswers(lang: Lang, officeKey: string): Promise<PageResult> {
      const h = helpers(lang);
      if (!app.profile.offices.some((o) => o.key === officeKey)) return notFound(lang);
      const months = data.lastMonths();
      const series = monthlySeries(await data.answerStats(), months, officeKey).map(({ month, figures }) => ({
        month,
        row: data.officeRow(officeKey, figures),
      }));
      return render(
        "office-answers",
        lang,
        `/respuestas/${officeKey}`,
        h.t("publico.answers.office_title", { office: h.officeName(officeKey) }),
        {
          officeKey,
          series: series.reverse(),
          minCount: app.profile.transparency.minCount,
          trend: await trendSvg(lang, months, officeKey, "trend-office"),
          stats: await data.answerStats(),
        },
      );
    },

    async dialogue(lang: Lang, query: { evento?: string; pagina?: string }): Promise<PageResult> {
      const h = helpers(lang);
      const { upcoming, past } = await data.events();
      const all = [...past, ...upcoming];
      const eventId = positiveInt(query.evento);
      const page = Math.max(1, positiveInt(query.pagina) ?? 1);
      const path = href("/preguntas", lang, { evento: query.evento, pagina: query.pagina });
      if (eventId !== undefined) {
        const event = all.find((e) => e.id === eventId);
        if (!event) return notFound(lang);
        const size = PAGE_SIZE.dialogueQuestions;
        const { total, questions } = await data.dialogueQuestions([eventId], {
          offset: (page - 1) * size,
          limit: size,
        });
        const pages = Math.max(1, Math.ceil(total / size));
        return render("dialogue-event", lang, path, h.t("publico.dialogue.event_title", { title: event.title }), {
          event,
          questions,
          total,
          page,
          pages,
        });
      }
      const counts = await app.repos.transparency.questionCountsByEvent();
      const withQuestions = all.filter((e) => counts.has(e.id));
      const pages = Math.max(1, Math.ceil(withQuestions.length / PAGE_SIZE.dialogueEvents));
      const shown = withQuestions.slice((page - 1) * PAGE_SIZE.dialogueEvents, page * PAGE_SIZE.dialogueEvents);
      const petitions = (await data.publishedPetitions({ offset: 0, limit: 0 })).total;
      return render("dialogue", lang, path, h.t("publico.dialogue.title"), {
        events: shown,
        counts,
        page,
        pages,
        petitions,
      });
    },

    /** Ordinary petitions whose office published the answer (issue 15: "publicación de las respuestas"). */
    async petitions(lang: Lang, pagina: string | undefined): Promise<PageResult> {
      const h = helpers(lang);
      const size = PAGE_SIZE.dialogueQuestions;
      const page = Math.max(1, positiveInt(pagina) ?? 1);
      const { total, questions } = await data.publishedPetitions({ offset: (page - 1) * size, limit: size });
      const pages = Math.max(1, Math.ceil(total / size));
      const path = href("/preguntas/peticiones", lang, { pagina });
      return render("petitions", lang, path, h.t("publico.petitions.title"), { questions, total, page, pages });
    },

    async events(lang: Lang): Promise<PageResult> {
      const h = helpers(lang);
      const { upcoming, past } = await data.events();
      return render("events", lang, "/eventos", h.t("publico.events.title"), {
        upcoming,
        past: past.slice(0, 30),
        districts: app.profile.districts,
      });
    },

    async event(lang: Lang, id: string): Promise<PageResult> {
      const eventId = positiveInt(id);
      const event = eventId !== undefined ? await app.repos.events.get(eventId) : undefined;
      if (!event) return notFound(lang);
      const nowMs = app.clock.nowMs();
      const questions = await data.dialogueQuestions([event.id], { offset: 0, limit: PAGE_SIZE.dialogueQuestions });
      const commitments = await data.commitments({ eventId: event.id });
      const report = (await app.repos.transparency.changes("answer_report", String(event.id))).at(-1);
      return render("event", lang, `/eventos/${event.id}`, event.title, {
        event,
        answerReport: report ? { url: (JSON.parse(report.after) as { url: string }).url, atMs: report.atMs } : null,
        ended: event.endsAtMs <= nowMs || event.status === "held",
        questions: questions.questions,
        questionTotal: questions.total,
        commitments,
        isOverdue: data.isOverdue,
      });
    },

    async commitments(lang: Lang, query: Record<string, string | undefined>): Promise<PageResult> {
      const h = helpers(lang);
      const filter: CommitmentFilter = {};
      if (query.dependencia && app.profile.offices.some((o) => o.key === query.dependencia))
        filter.officeKey = query.dependencia;
      if (query.comuna && app.profile.districts.some((d) => d.key === query.comuna)) filter.districtKey = query.comuna;
      const eventId = positiveInt(query.evento);
      if (eventId !== undefined) filter.eventId = eventId;
      const status = COMMITMENT_STATUSES.includes(query.estado as CommitmentStatus)
        ? (query.estado as CommitmentStatus)
        : undefined;
      if (status && status !== "overdue") filter.statuses = [status];
      let items = await data.commitments(filter);
      // "Vencido" includes open commitments past their date that the daily job has not marked yet.
      if (status === "overdue") items = items.filter((c) => data.isOverdue(c));
      const page = Math.max(1, positiveInt(query.pagina) ?? 1);
      const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE.commitments));
      const params = {
        dependencia: filter.officeKey,
        comuna: filter.districtKey,
        evento: filter.eventId,
        estado: status,
      };
      return render(
        "commitments",
        lang,
        href("/compromisos", lang, { ...params, pagina: query.pagina }),
        h.t("publico.commitments.title"),
        {
          items: items.slice((page - 1) * PAGE_SIZE.commitments, page * PAGE_SIZE.commitments),
          total: items.length,
          page,
          pages,
          params,
          offices: app.profile.offices,
          districts: app.profile.districts,
          events: await app.repos.commitments.countsByEvent(),
          statuses: COMMITMENT_STATUSES,
          isOverdue: data.isOverdue,
        },
      );
    },

    async commitment(lang: Lang, number: string): Promise<PageResult> {
      const n = positiveInt(number);
      const c = n !== undefined ? await app.repos.commitments.byNumber(n) : undefined;
      if (!c) return notFound(lang);
      const h = helpers(lang);
      const event = c.eventId !== null ? await app.repos.events.get(c.eventId) : undefined;
      return render(
        "commitment",
        lang,
        `/compromisos/${c.number}`,
        h.t("publico.commitments.item_title", { number: c.number }),
        {
          c,
          event,
          overdue: data.isOverdue(c),
          history: await data.commitmentHistory(c.id),
        },
      );
    },

    async surveys(lang: Lang): Promise<PageResult> {
      const h = helpers(lang);
      return render("surveys", lang, "/encuestas", h.t("publico.surveys.title"), {
        surveys: await publicSurveys(app),
        other: OTHER_SEGMENT,
      });
    },

    async plan(lang: Lang, year: string | undefined): Promise<PageResult> {
      const h = helpers(lang);
      const page = await publicPlanPage(app, year && /^\d{4}$/.test(year) ? Number(year) : undefined);
      const path = href("/plan-rendicion-cuentas", lang, { anio: year });
      if (!page) return render("plan", lang, path, h.t("publico.plan.title"), { page: null });
      return render("plan", lang, path, h.t("publico.plan.title_year", { year: page.report.year }), {
        page,
        evidenceMax: PAGE_SIZE.planEvidence,
      });
    },

    async openData(lang: Lang): Promise<PageResult> {
      const h = helpers(lang);
      return render("open-data", lang, "/datos", h.t("publico.open_data.title"), {
        datasets: DATASET_NAMES,
        districts: app.profile.districts,
      });
    },
  };
}
