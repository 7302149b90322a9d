/**
 * Channel status for Administración (issue 14): each chat channel's state as the process running it
 * reported it (src/services/channel-status.ts), and while WhatsApp waits to be linked, its pairing
 * QR or code. Whoever scans that QR controls the entity's WhatsApp: admins only
 * (core/authorization `canManageStaff`), and each admin's first view of each QR or code is audited
 * (`whatsapp.pairing_view`), a refused one every time. An admin may also unlink the number
 * (`whatsapp.unlink`): the request goes to the database, and the process holding the socket logs out.
 */
import { ACCOUNT_FAULT_STATES, faultCodeOf } from "../../channels/whatsapp-cloud/send-errors.ts";
import { createHash } from "node:crypto";
import { canManageStaff, type Actor } from "../../core/authorization.ts";
import type { ChannelStateRow } from "../../db/repositories/channel-state.ts";
import type { AppContext } from "../context.ts";
import { audit, auditOfficialId } from "./audit.ts";
import { runFormAction, type FormContext, type FormOutcome } from "./form-action.ts";

export type ChannelPairing =
  /** A QR to show: `version` changes with the QR (the image's address), never the QR itself. */
  | { kind: "qr"; version: string; expiresAtMs: number }
  | { kind: "code"; code: string }
  /** Waiting to be linked, and the last QR expired: WhatsApp sends a new one within seconds. */
  | { kind: "waiting" };

export interface ChannelStatusView {
  channel: string;
  state: string;
  detail: string | null;
  /** Meta's code of a whole-account fault (token, blocked account), said in words by the page instead of `detail`. */
  faultCode: string | null;
  sinceMs: number;
  updatedAtMs: number;
  account: string | null;
  lastError: string | null;
  lastErrorAtMs: number | null;
  /** Only while the state is `pairing`. */
  pairing: ChannelPairing | null;
  /** WhatsApp linked to a number through Baileys: an admin may unlink it. */
  canUnlink: boolean;
  /** When an admin asked to unlink it, while the process holding the socket has not yet done so. */
  unlinkRequestedAtMs: number | null;
}

export type PairingQrOutcome =
  { ok: true; qr: string; expiresAtMs: number } | { ok: false; error: "not_allowed" | "no_qr" };

const PAIRING_VIEW = "whatsapp.pairing_view";

/** A short stable name for a secret (a QR, a code): its SHA-256, cut. */
const fingerprint = (secret: string) => createHash("sha256").update(secret).digest("base64url").slice(0, 22);

function pairingOf(row: ChannelStateRow, nowMs: number): ChannelPairing | null {
  if (row.state !== "pairing") return null;
  if (row.pairingCode) return { kind: "code", code: row.pairingCode };
  if (row.pairingQr && row.pairingExpiresAtMs !== null && row.pairingExpiresAtMs > nowMs)
    return { kind: "qr", version: fingerprint(row.pairingQr), expiresAtMs: row.pairingExpiresAtMs };
  return { kind: "waiting" };
}

/**
 * Records the admin's first view of a pairing secret: the first claim of the key (one per admin
 * and secret, atomic across processes) writes the audit entry, in the same transaction.
 */
async function auditFirstView(app: AppContext, actor: Actor, kind: "qr" | "code", secret: string): Promise<void> {
  const officialId = auditOfficialId(actor);
  if (officialId === null) return;
  const subject = `whatsapp:${kind}:${fingerprint(secret)}`;
  await app.store.withTransaction(async () => {
    const first = await app.repos.staffAudit.claimForm({
      key: `seen:${officialId}:${subject}`,
      officialId,
      action: PAIRING_VIEW,
      redirectTo: "/admin/administracion",
      atMs: app.clock.nowMs(),
    });
    if (first) await audit(app, { officialId, action: PAIRING_VIEW, subject, outcome: "ok", after: { kind } });
  });
}

/** Every channel's state, for admins. Showing a pairing code counts as viewing it. */
export async function channelStatus(
  app: AppContext,
  actor: Actor,
): Promise<{ ok: true; channels: ChannelStatusView[] } | { ok: false; error: "not_allowed" }> {
  if (!canManageStaff(actor)) return { ok: false, error: "not_allowed" };
  const nowMs = app.clock.nowMs();
  const channels = (await app.repos.channelState.list()).map((row) => ({
    channel: row.channel,
    state: row.state,
    detail: row.detail,
    faultCode: ACCOUNT_FAULT_STATES.includes(row.state) ? faultCodeOf(row.detail) : null,
    sinceMs: row.sinceMs ?? row.updatedAtMs,
    updatedAtMs: row.updatedAtMs,
    account: row.account,
    lastError: row.lastError,
    lastErrorAtMs: row.lastErrorAtMs,
    pairing: pairingOf(row, nowMs),
    canUnlink: isLinkedWhatsApp(row) && row.unlinkRequestedAtMs === null,
    unlinkRequestedAtMs: row.channel === "whatsapp" ? row.unlinkRequestedAtMs : null,
  }));
  for (const c of channels) if (c.pairing?.kind === "code") await auditFirstView(app, actor, "code", c.pairing.code);
  return { ok: true, channels };
}

/** The WhatsApp pairing QR while it is valid, for an admin to scan; the view is audited. */
export async function whatsappPairingQr(app: AppContext, actor: Actor): Promise<PairingQrOutcome> {
  if (!canManageStaff(actor)) {
    await audit(app, {
      officialId: auditOfficialId(actor),
      action: PAIRING_VIEW,
      subject: "whatsapp:qr",
      outcome: "refused",
      after: { error: "not_allowed" },
    });
    return { ok: false, error: "not_allowed" };
  }
  const row = await app.repos.channelState.get("whatsapp");
  const pairing = row ? pairingOf(row, app.clock.nowMs()) : null;
  if (!row?.pairingQr || pairing?.kind !== "qr") return { ok: false, error: "no_qr" };
  await auditFirstView(app, actor, "qr", row.pairingQr);
  return { ok: true, qr: row.pairingQr, expiresAtMs: pairing.expiresAtMs };
}

export type UnlinkError = "not_allowed" | "not_linked";

/**
 * Linked through Baileys: open with the bot's number known. The Cloud API reports `open` too, but
 * never a number, and has no session to unlink from here.
 */
const isLinkedWhatsApp = (row: ChannelStateRow) =>
  row.channel === "whatsapp" && row.state === "open" && row.account !== null;

/** The linked WhatsApp number to show on the confirmation page, for admins. */
export async function whatsappLink(
  app: AppContext,
  actor: Actor,
): Promise<{ ok: true; account: string } | { ok: false; error: UnlinkError }> {
  if (!canManageStaff(actor)) return { ok: false, error: "not_allowed" };
  const row = await app.repos.channelState.get("whatsapp");
  if (!row || !isLinkedWhatsApp(row)) return { ok: false, error: "not_linked" };
  return { ok: true, account: row.account! };
}

/**
 * An admin unlinks the alcaldía's WhatsApp number (the phone was lost, the number changes): the
 * request is recorded in `channel_state`, and the process holding the socket (maybe another one on
 * PostgreSQL) takes it within seconds and logs out; the session is then deleted and a new QR shown.
 * Once per form, audited whether done or refused; refused when WhatsApp is not linked.
 */
export async function requestWhatsAppUnlink(
  app: AppContext,
  actor: Actor,
  form: FormContext,
): Promise<FormOutcome<UnlinkError>> {
  return await runFormAction(app, actor, "whatsapp.unlink", "whatsapp", form, async () => {
    if (!canManageStaff(actor)) return { ok: false, error: "not_allowed" };
    const row = await app.repos.channelState.get("whatsapp");
    // Recorded only if still open (one conditional update): a link lost meanwhile is refused.
    if (!row || !isLinkedWhatsApp(row) || !(await app.repos.channelState.requestUnlink("whatsapp", app.clock.nowMs())))
      return { ok: false, error: "not_linked" };
    return { ok: true, before: { state: row.state, account: row.account }, after: { unlinkRequested: true } };
  });
}
