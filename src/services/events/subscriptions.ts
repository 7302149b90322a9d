/**
 * Citizens' subscriptions to announcements (topics, districts, or everything) and the stop words.
 * Subscribing needs consent (it is personal data: what interests them, where they live);
 * a stop word (SALIR, BAJA, STOP; flows/unsubscribe.yaml) ends every subscription and followed
 * commitment and withdraws announcements still queued for them; their "yes" to coming events is
 * dropped only once they confirm. CANCELAR only cancels the step in progress.
 */
import type { District } from "../../config/profile.ts";
import type { CitizenContext } from "../../db/repositories/citizens.ts";
import type { Subscription } from "../../db/repositories/subscriptions.ts";
import { officeSubject, type AppContext, type OfficeNameContext } from "../context.ts";

/** What subscriptions read: the ports, the clock, and the profile's topics, districts and offices. */
export type SubscriptionsContext = Pick<AppContext, "repos" | "clock" | "translator"> & OfficeNameContext;

export interface Topic {
  key: string;
  name: string;
}

/** The profile's topics, or its offices when it lists none. */
export function topicsOf(app: Pick<AppContext, "profile">): Topic[] {
  if (app.profile.topics.length) return app.profile.topics;
  return app.profile.offices.map((o) => ({ key: o.key, name: o.name }));
}

/** A topic as the citizen reads it: the profile's topic name, or an office's subject when offices are the topics. */
export function topicLabel(app: SubscriptionsContext, topic: Topic, locale: string): string {
  return app.profile.topics.length ? topic.name : officeSubject(app, topic.key, locale);
}

export function districtsOf(app: Pick<AppContext, "profile">): District[] {
  return app.profile.districts;
}

export type SubscriptionError = "missing_consent" | "unknown_topic" | "unknown_district";

/** Adds a subscription; `added` is false when the citizen already had it. */
export async function subscribe(
  app: SubscriptionsContext,
  citizen: Pick<CitizenContext, "citizenId" | "consent">,
  subscription: Subscription,
): Promise<{ ok: true; added: boolean } | { ok: false; error: SubscriptionError }> {
  if (citizen.consent !== "granted") return { ok: false, error: "missing_consent" };
  if (subscription.kind === "topic" && !topicsOf(app).some((t) => t.key === subscription.key))
    return { ok: false, error: "unknown_topic" };
  if (subscription.kind === "district" && !districtsOf(app).some((d) => d.key === subscription.key))
    return { ok: false, error: "unknown_district" };
  const key = subscription.kind === "all" ? "" : subscription.key;
  return {
    ok: true,
    added: await app.repos.subscriptions.add(citizen.citizenId, { kind: subscription.kind, key }, app.clock.nowMs()),
  };
}

export interface StopResult {
  subscriptions: number;
  /** Commitments the citizen stopped following. */
  commitments: number;
  withdrawn: number;
}

/**
 * Stops every notice the citizen did not ask for case by case (SALIR, BAJA, STOP; issue 18.2):
 * topic, district and "everything" subscriptions, followed commitments, and bulk messages still
 * queued for their chat. Their "yes" to coming events is NOT touched: that is the citizen's own
 * appointment and is only dropped when they confirm it ({@link dropAttendance}). Answers to their
 * own questions keep coming. Call inside the caller's transaction.
 */
export async function stopAnnouncements(
  app: SubscriptionsContext,
  citizenId: number,
  chat: { channel: string; address: string },
): Promise<StopResult> {
  const nowMs = app.clock.nowMs();
  return {
    subscriptions: await app.repos.subscriptions.removeAll(citizenId),
    commitments: await app.repos.commitments.unfollowAll(citizenId, nowMs),
    withdrawn: await app.repos.outbox.withdrawPendingBulk(chat, "stop word", nowMs),
  };
}

/** Turns the citizen's "yes" to events not yet ended into "no" (no more reminders); returns how many. */
export async function dropAttendance(app: SubscriptionsContext, citizenId: number): Promise<number> {
  const nowMs = app.clock.nowMs();
  return await app.repos.events.withdrawUpcomingRsvps(citizenId, nowMs, nowMs);
}

/** The citizen's subscriptions in words, one per line, in their language. */
export function subscriptionNames(
  app: Pick<AppContext, "profile">,
  subscriptions: readonly Subscription[],
  allLabel: string,
): string[] {
  return subscriptions.map((s) => {
    if (s.kind === "all") return allLabel;
    if (s.kind === "topic") return topicsOf(app).find((t) => t.key === s.key)?.name ?? s.key;
    return districtsOf(app).find((d) => d.key === s.key)?.name ?? s.key;
  });
}

/**
 * Forgets what the citizen told us about events and announcements (consent revoked, data erased):
 * subscriptions and RSVPs are deleted and queued announcements to their chats withdrawn. Call
 * before their channel identities are erased.
 */
export async function forgetEventData(app: SubscriptionsContext, citizenId: number): Promise<void> {
  const nowMs = app.clock.nowMs();
  for (const identity of await app.repos.citizens.identities(citizenId)) {
    await app.repos.outbox.withdrawPendingBulk(
      { channel: identity.channel, address: identity.address },
      "consent withdrawn",
      nowMs,
    );
  }
  await app.repos.subscriptions.removeAll(citizenId);
  await app.repos.events.deleteRsvpsOf(citizenId);
}
