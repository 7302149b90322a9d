/**
 * The announcement composer of the back-office (issue 14): choose an event or write a text, choose
 * the segment, see how many citizens it reaches (in total and per district and topic) and the exact
 * text, confirm, then watch delivery. Through the same announcement service as the CLI and the chat
 * wizard (authorization `canManageEvents`, outbox, quiet hours).
 */
import type { Actor } from "../../core/authorization.ts";
import { canManageEvents, type Segment } from "../../core/events.ts";
import type { AnnouncementRow } from "../../db/repositories/announcements.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import {
  announcementPayload,
  announcementProgress,
  createAnnouncement,
  previewAnnouncement,
  type AnnouncementError,
  type AnnouncementInput,
  type Progress,
} from "../events/announcements.ts";
import type { AppContext } from "../context.ts";
import { districtsOf, topicsOf } from "../events/subscriptions.ts";
import { runFormAction, type FormContext, type FormOutcome } from "./form-action.ts";
import { mapInOrder } from "../../core/in-order.ts";

export async function composerOptions(app: AppContext, actor: Actor) {
  if (!canManageEvents(actor)) return { ok: false as const, error: "not_allowed" as const };
  const nowMs = app.clock.nowMs();
  return {
    ok: true as const,
    events: (await app.repos.events.list({ fromMs: nowMs })).filter(
      (e) => e.status !== "cancelled" && e.endsAtMs > nowMs,
    ),
    topics: topicsOf(app),
    districts: districtsOf(app),
    announcements: await mapInOrder(await app.repos.announcements.list({ limit: 20 }), async (a) => ({
      announcement: a,
      progress: await announcementProgress(app, a.id),
    })),
  };
}

export interface PreviewResult {
  recipients: number;
  /** For an interests segment: how many each chosen district and topic reaches on its own. */
  breakdown: { kind: "district" | "topic"; key: string; name: string; recipients: number }[];
  /** The exact message, in Spanish (each citizen receives it in their language). */
  text: string;
}

export async function composePreview(
  app: AppContext,
  actor: Actor,
  input: AnnouncementInput,
): Promise<{ ok: true; preview: PreviewResult } | { ok: false; error: AnnouncementError }> {
  const counted = await previewAnnouncement(app, actor, input);
  if (!counted.ok) return counted;
  const breakdown: PreviewResult["breakdown"] = [];
  if (input.segment.kind === "interests") {
    for (const key of input.segment.districts) {
      breakdown.push({
        kind: "district",
        key,
        name: districtsOf(app).find((d) => d.key === key)?.name ?? key,
        recipients: await app.repos.announcements.countRecipients({ kind: "interests", districts: [key], topics: [] }),
      });
    }
    for (const key of input.segment.topics) {
      breakdown.push({
        kind: "topic",
        key,
        name: topicsOf(app).find((t) => t.key === key)?.name ?? key,
        recipients: await app.repos.announcements.countRecipients({ kind: "interests", districts: [], topics: [key] }),
      });
    }
  }
  const draft = {
    eventId: input.eventId ?? null,
    purpose: input.eventId !== undefined ? "event" : "text",
    text: input.text?.trim() || null,
  } as AnnouncementRow;
  return {
    ok: true,
    preview: {
      recipients: counted.recipients,
      breakdown,
      text: (await announcementPayload(app, draft, DEFAULT_LOCALE)).text,
    },
  };
}

export async function sendAnnouncement(
  app: AppContext,
  actor: Actor,
  input: AnnouncementInput,
  form: Omit<FormContext, "redirectTo">,
): Promise<FormOutcome<AnnouncementError["code"]>> {
  let redirectTo = "/admin/anuncios";
  const outcome = await runFormAction(
    app,
    actor,
    "announcement.send",
    input.eventId !== undefined ? `event:${input.eventId}` : "text",
    {
      ...form,
      get redirectTo() {
        return redirectTo;
      },
    },
    async () => {
      const created = await createAnnouncement(app, actor, input);
      if (!created.ok) return { ok: false, error: created.error.code };
      redirectTo = `/admin/anuncios/${created.announcement.id}`;
      return {
        ok: true,
        after: {
          announcementId: created.announcement.id,
          segment: input.segment as unknown as Record<string, unknown>,
          recipients: created.recipients,
        },
      };
    },
  );
  return outcome;
}

export async function announcementStatus(
  app: AppContext,
  actor: Actor,
  id: number,
): Promise<
  | { ok: true; announcement: AnnouncementRow; progress: Progress }
  | { ok: false; error: "not_allowed" | "announcement_not_found" }
> {
  if (!canManageEvents(actor)) return { ok: false, error: "not_allowed" };
  const announcement = await app.repos.announcements.get(id);
  if (!announcement) return { ok: false, error: "announcement_not_found" };
  return { ok: true, announcement, progress: await announcementProgress(app, id) };
}

export type { Segment };
