/** What domain services need, wired once by the composition root (src/main.ts, the CLI, tests). */
import { MAX_CITIZEN_TEXT_LENGTH } from "../core/text-length.ts";
import type { Profile, RequestType } from "../config/profile.ts";
import type { Clock } from "../core/clock.ts";
import { createBusinessCalendar, formatLongDate, type BusinessCalendar } from "../core/calendar/index.ts";
import type { createRouter, Router } from "../core/routing/index.ts";
import type { Db } from "../db/client.ts";
import type { Repos, Store } from "../db/port.ts";
import { DEFAULT_LOCALE, type Translator } from "../i18n/index.ts";

export interface AppContext {
  /** The SQLite handle, for SQLite-only upkeep (WAL truncation after an erasure); null on PostgreSQL. */
  db: Db | null;
  /** The storage: ports and the transaction boundary of each use case. */
  store: Store;
  /** The store's ports (`store.repos`). */
  repos: Repos;
  clock: Clock;
  profile: Profile;
  translator: Translator;
  calendar: BusinessCalendar;
  /** The routing model, built on first use with the corrections learned so far. */
  router(): Promise<Router>;
  /**
   * Every office's name by key, including offices no longer in the profile (kept for their history).
   * Read once at start: office names change only when the profile is synced, at start.
   */
  officeNames: ReadonlyMap<string, string>;
  /** Variables every text may use: the entity's name, the notice fields, the legal terms. */
  textGlobals: Record<string, unknown>;
  /** The public pages' base address without a trailing slash (RINDE_PUBLIC_URL), or null: then chats carry no links. */
  publicUrl: string | null;
  /**
   * The back-office's base address without a trailing slash (RINDE_PUBLIC_URL, else the address it
   * listens on), for sign-in links sent to officials' chats; null when the back-office is off.
   */
  backOfficeUrl: string | null;
  /**
   * Teaches the router the reassignments recorded since the last call, including those made by
   * another process (the CLI), so corrections apply without a restart. Cheap: one indexed query.
   */
  learnNewCorrections(): Promise<void>;
  /**
   * Officials with an e-mail also get the office's notices by e-mail (issue 14). Set by the
   * composition root when an SMTP server is configured (RINDE_SMTP_URL); off otherwise.
   */
  emailNotices?: boolean;
}

/*
 * The ports a piece of code uses, named: functions take `Pick<AppContext, …>` of what they read (a
 * feature declares its own, e.g. `SubscriptionsContext`), so a signature says which ports a rule
 * touches and a caller with a larger context passes it as is.
 */
/** Writing a text: the translator and the global variables (entity, legal terms). */
export type TextContext = Pick<AppContext, "translator" | "textGlobals">;
/** Naming an office: the profile's offices, and the names of offices no longer in it. */
export type OfficeNameContext = Pick<AppContext, "profile" | "officeNames">;

/** Builds the routing model; tests pass one that shares the trained model between runtimes. */
export type RouterFactory = typeof createRouter;

export async function createAppContext(input: {
  store: Store;
  db?: Db | null;
  clock: Clock;
  profile: Profile;
  translator: Translator;
  publicUrl?: string;
  backOfficeUrl?: string | null;
  routerFactory?: RouterFactory;
}): Promise<AppContext> {
  const { store, clock, profile, translator } = input;
  const repos = store.repos;
  await repos.offices.syncFromProfile(profile.offices, clock.nowMs());
  const officeNames = new Map((await repos.offices.list()).map((o) => [o.key, o.name] as const));
  const officeKeys = new Set(profile.offices.map((o) => o.key));
  // Built on first use (about half a second), its code loaded then too (the vocabularies are a
  // tenth of the code a CLI command would load): the CLI rarely routes, the bot does at its first question.
  let router: Router | undefined;
  let lastEventId = 0;
  const learnNewCorrections = async () => {
    for (const correction of await repos.questions.reassignmentsSince(lastEventId)) {
      lastEventId = correction.eventId;
      if (officeKeys.has(correction.officeKey)) router!.learn(correction);
    }
  };
  return {
    db: input.db ?? null,
    store,
    repos,
    clock,
    profile,
    translator,
    officeNames,
    calendar: createBusinessCalendar({ localNonWorkingDays: profile.nonWorkingDays }),
    async router(): Promise<Router> {
      if (!router) {
        const buildRouter = input.routerFactory ?? (await import("../core/routing/router.ts")).createRouter;
        const corrections = await repos.questions.reassignmentsSince(0);
        lastEventId = corrections.at(-1)?.eventId ?? 0;
        router ??= buildRouter({
          offices: profile.offices,
          learned: corrections.filter((c) => officeKeys.has(c.officeKey)),
        });
      }
      return router;
    },
    textGlobals: textGlobalsOf(profile),
    publicUrl: input.publicUrl ? input.publicUrl.replace(/\/+$/, "") : null,
    backOfficeUrl:
      input.backOfficeUrl === null
        ? null
        : (input.backOfficeUrl ?? input.publicUrl ?? "http://127.0.0.1:3000").replace(/\/+$/, ""),
    async learnNewCorrections() {
      if (router) await learnNewCorrections();
    },
  };
}

export function textGlobalsOf(profile: Profile): Record<string, unknown> {
  const terms = profile.requestTypes;
  return {
    entity: profile.name,
    municipality: profile.municipality,
    controller: profile.dataNotice.controller,
    address: profile.dataNotice.address,
    email: profile.dataNotice.email,
    phone: profile.dataNotice.phone,
    policyUrl: profile.dataNotice.policyUrl,
    noticeVersion: profile.dataNotice.version,
    termGeneral: terms.general.termBusinessDays,
    termInformation: terms.information.termBusinessDays,
    termConsultation: terms.consultation.termBusinessDays,
    maxTextLength: MAX_CITIZEN_TEXT_LENGTH,
  };
}

/** Renders a locale key with the global variables, in `locale`. */
export function render(app: TextContext, locale: string, key: string, vars: Record<string, unknown> = {}): string {
  return app.translator.t(locale, key, vars, app.textGlobals);
}

/** A text for officials (staff chats, office notices): in the default language, with the globals. */
export function staffText(app: TextContext, key: string, vars: Record<string, unknown> = {}): string {
  return render(app, DEFAULT_LOCALE, key, vars);
}

export function officeName(app: OfficeNameContext, officeKey: string): string {
  return app.profile.offices.find((o) => o.key === officeKey)?.name ?? app.officeNames.get(officeKey) ?? officeKey;
}

/**
 * What an office deals with, in the citizen's words ("vías y obras", "contratos y licitaciones"):
 * the topic citizens choose from, while the question is routed to the office (issue 18, point 12).
 * From `subjects.<office key>` in locales/; an office without one shows its name.
 */
export function officeSubject(
  app: OfficeNameContext & Pick<AppContext, "translator">,
  officeKey: string,
  locale: string,
): string {
  const key = `subjects.${officeKey}`;
  return app.translator.hasKey(locale, key) || app.translator.hasKey(DEFAULT_LOCALE, key)
    ? app.translator.t(locale, key)
    : officeName(app, officeKey);
}

export function dueDateText(date: string, locale: string): string {
  return formatLongDate(date, locale === "en" ? "en" : "es");
}

export function requestTypeText(
  app: Pick<AppContext, "translator">,
  type: RequestType,
  locale = DEFAULT_LOCALE,
): string {
  return app.translator.t(locale, `request_type.${type}`);
}
