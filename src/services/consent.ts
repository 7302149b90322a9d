/**
 * Consent (Ley 1581 de 2012; Decreto 1377 de 2013): each decision is kept as proof with its time,
 * the notice version and the channel. Deleting data anonymizes; the legal record stays.
 */
import type { CitizenContext } from "../db/repositories/citizens.ts";
import { DEFAULT_LOCALE } from "../i18n/index.ts";
import type { AppContext } from "./context.ts";

export function recordConsent(app: AppContext, citizen: CitizenContext, decision: "granted" | "refused" | "revoked", channel: string): void {
  app.repos.citizens.recordConsent({
    citizenId: citizen.citizenId,
    decision,
    noticeVersion: app.profile.dataNotice.version,
    channel,
    nowMs: app.clock.nowMs(),
  });
  citizen.consent = decision;
}

/** Erases the citizen's personal data; their questions remain with a placeholder text. */
export function eraseCitizen(app: AppContext, citizenId: number): void {
  const placeholder = app.translator.t(DEFAULT_LOCALE, "privacy.erased_placeholder");
  app.repos.citizens.erasePersonalData(citizenId, placeholder, app.clock.nowMs());
}
