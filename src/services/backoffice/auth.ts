/**
 * Back-office sign-in and sessions (issue 14). The officials table is the staff directory.
 * - A one-time link (10 minutes, single use, stored hashed) is sent by the bot, through the
 *   outbox, to the official's linked Telegram or WhatsApp chat: only whoever holds that chat can
 *   sign in. An admin may require a password instead (scrypt, see passwords.ts).
 * - On a database without an administrator, a one-time setup link creates the first one.
 * - Sessions live in the database as the SHA-256 of their id; idle 30 minutes, absolute 12 hours;
 *   a new id at every sign-in; "sign out everywhere" revokes them all.
 * Every sign-in, failed attempt and sign-out is written to the audit log.
 */
import { createHash, randomBytes } from "node:crypto";
import { officialActor, type Actor } from "../../core/authorization.ts";
import type { OfficialRow } from "../../db/repositories/officials.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { render, type AppContext } from "../context.ts";
import { audit } from "./audit.ts";
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from "./passwords.ts";

export const LOGIN_LINK_TTL_MS = 10 * 60_000;
export const SETUP_LINK_TTL_MS = 24 * 3_600_000;
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;
/** A session's last-seen time is written at most this often (one write per minute, not per page). */
const TOUCH_EVERY_MS = 60_000;

export type AuthError =
  | "link_invalid"
  | "link_expired"
  | "link_used"
  | "bad_credentials"
  | "password_required"
  | "weak_password"
  | "email_taken"
  | "name_required"
  | "email_invalid";
export type AuthOutcome<T> = ({ ok: true } & T) | { ok: false; error: AuthError };

/** A random secret for a link or a session id (256 bits, base64url). */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** What the database keeps of a secret. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url");
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkPassword(password: string): AuthError | undefined {
  return password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH ? "weak_password" : undefined;
}

/** Creates a first-administrator setup link (the CLI's `rinde admin create`, and start-up with no admin). */
export async function createSetupLink(app: AppContext): Promise<{ token: string; expiresAtMs: number }> {
  const token = newSecret();
  const nowMs = app.clock.nowMs();
  const expiresAtMs = nowMs + SETUP_LINK_TTL_MS;
  await app.repos.staffAuth.addToken({
    tokenHash: hashSecret(token),
    purpose: "setup",
    officialId: null,
    createdAtMs: nowMs,
    expiresAtMs,
  });
  return { token, expiresAtMs };
}

/** At start-up: a setup link when no active administrator exists, otherwise nothing. */
export async function setupLinkIfNoAdmin(app: AppContext): Promise<{ token: string; expiresAtMs: number } | undefined> {
  return (await app.repos.staffAuth.hasActiveAdmin()) ? undefined : await createSetupLink(app);
}

async function checkToken(app: AppContext, token: string, purpose: "login" | "setup") {
  const row = await app.repos.staffAuth.token(hashSecret(token));
  if (!row || row.purpose !== purpose) return { ok: false as const, error: "link_invalid" as const };
  if (row.usedAtMs !== null) return { ok: false as const, error: "link_used" as const };
  if (row.expiresAtMs <= app.clock.nowMs()) return { ok: false as const, error: "link_expired" as const };
  return { ok: true as const, row };
}

/** Whether a link can still be used (the page before the button that uses it). */
export async function linkState(
  app: AppContext,
  token: string,
  purpose: "login" | "setup",
): Promise<AuthError | "valid"> {
  const checked = await checkToken(app, token, purpose);
  return checked.ok ? "valid" : checked.error;
}

/** Uses a setup link: creates the first administrator with a sign-in e-mail and a password. */
export async function completeSetup(
  app: AppContext,
  token: string,
  input: { name: string; email: string; password: string },
): Promise<AuthOutcome<{ official: OfficialRow }>> {
  const name = input.name.trim();
  const email = normalizeEmail(input.email);
  if (!name) return { ok: false, error: "name_required" };
  if (!EMAIL.test(email)) return { ok: false, error: "email_invalid" };
  const weak = checkPassword(input.password);
  if (weak) return { ok: false, error: weak };
  const passwordHash = await hashPassword(input.password);
  return await app.store.withTransaction(async (): Promise<AuthOutcome<{ official: OfficialRow }>> => {
    const checked = await checkToken(app, token, "setup");
    if (!checked.ok) return checked;
    if (await app.repos.staffAuth.officialByEmail(email)) return { ok: false, error: "email_taken" };
    const nowMs = app.clock.nowMs();
    await app.repos.staffAuth.useToken(checked.row.id, nowMs);
    const official = await app.repos.officials.add({ name, officeKey: null, role: "admin" }, nowMs);
    await app.repos.staffAuth.setAccount(official.id, { email, passwordRequired: true });
    await app.repos.staffAuth.setPassword(official.id, passwordHash);
    await audit(app, {
      officialId: official.id,
      action: "auth.setup_admin",
      subject: `official:${official.id}`,
      outcome: "ok",
      after: { name, email, role: "admin" },
    });
    return { ok: true, official: (await app.repos.officials.get(official.id))! };
  });
}

/**
 * "Enviar enlace de acceso": queues a sign-in link to the official's linked chat. The answer is
 * the same whether or not the e-mail exists (no account probing); the audit log tells the truth.
 */
export async function requestLoginLink(
  app: AppContext,
  emailInput: string,
  linkUrl: (token: string) => string,
): Promise<{ sent: boolean }> {
  const email = normalizeEmail(emailInput);
  return await app.store.withTransaction(async () => {
    const official = await app.repos.staffAuth.officialByEmail(email);
    const refuse = async (reason: string) => {
      await audit(app, {
        officialId: official?.id ?? null,
        action: "auth.link_requested",
        subject: official ? `official:${official.id}` : null,
        outcome: "refused",
        after: { reason },
      });
      return { sent: false };
    };
    if (!official) return await refuse("unknown_email");
    if (official.passwordRequired && official.passwordHash) return await refuse("password_required");
    if (!official.channel || !official.address) return await refuse("no_linked_chat");
    await queueLoginLink(app, official, official.channel, official.address, linkUrl);
    await audit(app, {
      officialId: official.id,
      action: "auth.link_requested",
      subject: `official:${official.id}`,
      outcome: "ok",
      after: { channel: official.channel },
    });
    return { sent: true };
  });
}

/** A new one-time sign-in token (stored hashed), its link queued to the official's own chat. */
async function queueLoginLink(
  app: AppContext,
  official: Pick<OfficialRow, "id" | "name">,
  channel: string,
  address: string,
  linkUrl: (token: string) => string,
): Promise<void> {
  const token = newSecret();
  const nowMs = app.clock.nowMs();
  const row = await app.repos.staffAuth.addToken({
    tokenHash: hashSecret(token),
    purpose: "login",
    officialId: official.id,
    createdAtMs: nowMs,
    expiresAtMs: nowMs + LOGIN_LINK_TTL_MS,
  });
  const text = render(app, DEFAULT_LOCALE, "web_chat.login_link", {
    name: official.name,
    url: linkUrl(token),
    minutes: LOGIN_LINK_TTL_MS / 60_000,
  });
  await app.repos.outbox.enqueue(
    { idempotencyKey: `staff-login:${row.id}`, channel, address, payload: { text } },
    nowMs,
  );
}

export type ChatLinkError = "back_office_off" | "inactive" | "password_required" | "no_linked_chat";

/**
 * "Enviar enlace de acceso" / `/acceso` written by a linked official in a chat: the link goes to
 * the official's own linked chat (never to a group, where others would read it). Call inside the
 * inbound transaction; the request is audited either way.
 */
export async function requestLoginLinkFromChat(
  app: AppContext,
  official: OfficialRow,
): Promise<{ ok: true } | { ok: false; error: ChatLinkError }> {
  const entry = {
    officialId: official.id,
    action: "auth.link_requested",
    subject: `official:${official.id}`,
    via: "chat" as const,
  };
  const error: ChatLinkError | undefined = !app.backOfficeUrl
    ? "back_office_off"
    : !official.active
      ? "inactive"
      : official.passwordRequired && official.passwordHash
        ? "password_required"
        : !official.channel || !official.address
          ? "no_linked_chat"
          : undefined;
  if (error) {
    await audit(app, { ...entry, outcome: "refused", after: { reason: error } });
    return { ok: false, error };
  }
  await queueLoginLink(
    app,
    official,
    official.channel!,
    official.address!,
    (token) => `${app.backOfficeUrl}/admin/acceso/${token}`,
  );
  await audit(app, { ...entry, outcome: "ok", after: { channel: official.channel } });
  return { ok: true };
}

/** Uses a sign-in link (once, within 10 minutes); the official must still be active. */
export async function signInWithLink(
  app: AppContext,
  token: string,
): Promise<AuthOutcome<{ official: OfficialRow; mustSetPassword: boolean }>> {
  return await app.store.withTransaction(
    async (): Promise<AuthOutcome<{ official: OfficialRow; mustSetPassword: boolean }>> => {
      const checked = await checkToken(app, token, "login");
      const official =
        checked.ok && checked.row.officialId !== null
          ? await app.repos.officials.get(checked.row.officialId)
          : undefined;
      if (!checked.ok || !official?.active) {
        const error = checked.ok ? "link_invalid" : checked.error;
        await audit(app, {
          officialId: official?.id ?? null,
          action: "auth.sign_in_failed",
          outcome: "refused",
          after: { method: "link", reason: error },
        });
        return { ok: false, error };
      }
      if (official.passwordRequired && official.passwordHash) {
        await audit(app, {
          officialId: official.id,
          action: "auth.sign_in_failed",
          subject: `official:${official.id}`,
          outcome: "refused",
          after: { method: "link", reason: "password_required" },
        });
        return { ok: false, error: "password_required" };
      }
      await app.repos.staffAuth.useToken(checked.row.id, app.clock.nowMs());
      await audit(app, {
        officialId: official.id,
        action: "auth.sign_in",
        subject: `official:${official.id}`,
        outcome: "ok",
        after: { method: "link" },
      });
      return { ok: true, official, mustSetPassword: official.passwordRequired && !official.passwordHash };
    },
  );
}

export async function signInWithPassword(
  app: AppContext,
  emailInput: string,
  password: string,
): Promise<AuthOutcome<{ official: OfficialRow }>> {
  const email = normalizeEmail(emailInput);
  const candidate = await app.repos.staffAuth.officialByEmail(email);
  const matches = await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), candidate?.passwordHash ?? null);
  return await app.store.withTransaction(async (): Promise<AuthOutcome<{ official: OfficialRow }>> => {
    // Read again after the slow hash: the account may have been deactivated meanwhile.
    const official = candidate ? await app.repos.officials.get(candidate.id) : undefined;
    if (!matches || !official?.active) {
      await audit(app, {
        officialId: official?.id ?? null,
        action: "auth.sign_in_failed",
        subject: official ? `official:${official.id}` : null,
        outcome: "refused",
        after: { method: "password" },
      });
      return { ok: false, error: "bad_credentials" };
    }
    await audit(app, {
      officialId: official.id,
      action: "auth.sign_in",
      subject: `official:${official.id}`,
      outcome: "ok",
      after: { method: "password" },
    });
    return { ok: true, official };
  });
}

/** Starts a session with a fresh id (never one the browser brought: no session fixation). */
export async function startSession(
  app: AppContext,
  officialId: number,
): Promise<{ sessionId: string; expiresAtMs: number }> {
  const sessionId = newSecret();
  const nowMs = app.clock.nowMs();
  const expiresAtMs = nowMs + SESSION_ABSOLUTE_MS;
  await app.repos.staffAuth.addSession({
    idHash: hashSecret(sessionId),
    officialId,
    createdAtMs: nowMs,
    lastSeenAtMs: nowMs,
    expiresAtMs,
  });
  return { sessionId, expiresAtMs };
}

export type SessionState = { ok: true; official: OfficialRow; actor: Actor } | { ok: false; error: "none" | "expired" };

/** The signed-in official for a session id, checking revocation, idle and absolute limits. */
export async function resolveSession(app: AppContext, sessionId: string | undefined): Promise<SessionState> {
  if (!sessionId) return { ok: false, error: "none" };
  const idHash = hashSecret(sessionId);
  const session = await app.repos.staffAuth.session(idHash);
  if (!session || session.revokedAtMs !== null) return { ok: false, error: session ? "expired" : "none" };
  const nowMs = app.clock.nowMs();
  if (nowMs >= session.expiresAtMs || nowMs - session.lastSeenAtMs >= SESSION_IDLE_MS)
    return { ok: false, error: "expired" };
  const official = await app.repos.officials.get(session.officialId);
  if (!official?.active) return { ok: false, error: "expired" };
  if (nowMs - session.lastSeenAtMs >= TOUCH_EVERY_MS) await app.repos.staffAuth.touchSession(idHash, nowMs);
  return { ok: true, official, actor: officialActor(official) };
}

export async function endSession(app: AppContext, sessionId: string, officialId: number): Promise<void> {
  await app.store.withTransaction(async () => {
    await app.repos.staffAuth.revokeSession(hashSecret(sessionId), app.clock.nowMs());
    await audit(app, { officialId, action: "auth.sign_out", subject: `official:${officialId}`, outcome: "ok" });
  });
}

/** "Cerrar sesión en todas partes": every session of the official ends now. */
export async function endAllSessions(app: AppContext, officialId: number): Promise<number> {
  return await app.store.withTransaction(async () => {
    const ended = await app.repos.staffAuth.revokeAllSessions(officialId, app.clock.nowMs());
    await audit(app, {
      officialId,
      action: "auth.sign_out_everywhere",
      subject: `official:${officialId}`,
      outcome: "ok",
      after: { sessions: ended },
    });
    return ended;
  });
}

/** An official sets their own password (after a link sign-in when an admin requires one). */
export async function setOwnPassword(
  app: AppContext,
  officialId: number,
  password: string,
): Promise<AuthOutcome<object>> {
  const weak = checkPassword(password);
  if (weak) return { ok: false, error: weak };
  const passwordHash = await hashPassword(password);
  await app.store.withTransaction(async () => {
    await app.repos.staffAuth.setPassword(officialId, passwordHash);
    await audit(app, { officialId, action: "auth.password_set", subject: `official:${officialId}`, outcome: "ok" });
  });
  return { ok: true };
}
