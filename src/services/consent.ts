/**
 * Consent (Ley 1581 de 2012; Decreto 1377 de 2013): each decision is kept as proof with its time,
 * the notice version and the channel. Deleting data anonymizes; the legal record stays.
 */
import type { CitizenContext } from "../db/repositories/citizens.ts";
import { DEFAULT_LOCALE } from "../i18n/index.ts";
import type { AppContext } from "./context.ts";
import { eraseSurveyData } from "./surveys.ts";
import { forgetEventData } from "./subscriptions.ts";

export function recordConsent(app: AppContext, citizen: CitizenContext, decision: "granted" | "refused" | "revoked", channel: string): void {
  app.repos.citizens.recordConsent({
    citizenId: citizen.citizenId,
    decision,
    noticeVersion: app.profile.dataNotice.version,
    channel,
    nowMs: app.clock.nowMs(),
  });
  citizen.consent = decision;
  // No more announcements, reminders or event answers once consent is withdrawn (issue 6).
  if (decision === "revoked") forgetEventData(app, citizen.citizenId);
}

/** Erases the citizen's personal data; their questions remain with a placeholder text. */
export function eraseCitizen(app: AppContext, citizenId: number): void {
  forgetEventData(app, citizenId);
  const placeholder = app.translator.t(DEFAULT_LOCALE, "privacy.erased_placeholder");
  app.repos.citizens.erasePersonalData(citizenId, placeholder, app.clock.nowMs());
  // Photos and documents they attached are personal data too (Ley 1581 de 2012).
  app.repos.attachments.deleteForCitizen(citizenId);
  // Free-text survey comments too; numeric answers stay, anonymous, in the aggregates.
  eraseSurveyData(app, citizenId, app.clock.nowMs());
}
