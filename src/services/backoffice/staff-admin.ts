/**
 * Administración (issue 14): offices and their chat bindings, officials (invite, role, office,
 * sign-in e-mail, password required, deactivate), channel status. Admins only
 * (core/authorization `canManageStaff`); every change audited with before → after.
 */
import { canManageStaff, type Actor, type Role } from "../../core/authorization.ts";
import type { AppContext } from "../context.ts";
import { createInvite } from "../staff/staff.ts";
import { channelStatus, type ChannelStatusView } from "./channel-status.ts";
import { normalizeEmail } from "./auth.ts";
import { runFormAction, type FormContext, type FormOutcome } from "./form-action.ts";

export const INVITE_TTL_MS = 48 * 3_600_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Roles that work inside one office. */
const OFFICE_ROLES: readonly Role[] = ["official", "head"];

export type StaffAdminError =
  | "not_allowed"
  | "unknown_office"
  | "office_required"
  | "name_required"
  | "email_invalid"
  | "email_taken"
  | "unknown_official"
  | "last_admin";

export async function administration(app: AppContext, actor: Actor) {
  if (!canManageStaff(actor)) return { ok: false as const, error: "not_allowed" as const };
  const nowMs = app.clock.nowMs();
  const officials = await app.repos.officials.list({ includeRemoved: true });
  return {
    ok: true as const,
    offices: (await app.repos.offices.list())
      .filter((o) => o.active)
      .map((o) => ({
        key: o.key,
        name: o.name,
        telegramBound: o.telegramChatId !== null,
        whatsappBound: o.whatsappJid !== null,
        officials: officials.filter((f) => f.active && f.officeKey === o.key).length,
      })),
    officials,
    invites: await app.repos.staffAuth.pendingInvites(nowMs),
    channels: await channelViews(app, actor),
  };
}

async function channelViews(app: AppContext, actor: Actor): Promise<ChannelStatusView[]> {
  const status = await channelStatus(app, actor);
  return status.ok ? status.channels : [];
}

async function checkPlacement(
  app: AppContext,
  role: Role,
  officeKey: string | null,
): Promise<StaffAdminError | undefined> {
  if (officeKey !== null && !(await app.repos.offices.get(officeKey))?.active) return "unknown_office";
  if (OFFICE_ROLES.includes(role) && officeKey === null) return "office_required";
  return undefined;
}

/** A one-time code the new official sends to the bot (`/vincular CODE`) to link their chat. */
export async function inviteOfficial(
  app: AppContext,
  actor: Actor,
  input: { name: string; officeKey: string | null; role: Role },
  form: FormContext,
): Promise<FormOutcome<StaffAdminError>> {
  return await runFormAction(app, actor, "official.invite", input.officeKey ?? "-", form, async () => {
    if (!canManageStaff(actor)) return { ok: false, error: "not_allowed" };
    const name = input.name.trim();
    if (!name) return { ok: false, error: "name_required" };
    const placement = await checkPlacement(app, input.role, input.officeKey);
    if (placement) return { ok: false, error: placement };
    const { expiresAtMs } = await createInvite(app, {
      name,
      officeKey: input.officeKey,
      role: input.role,
      ttlMs: INVITE_TTL_MS,
    });
    return { ok: true, after: { name, officeKey: input.officeKey, role: input.role, expiresAtMs } };
  });
}

export interface OfficialChanges {
  role: Role;
  officeKey: string | null;
  email: string;
  passwordRequired: boolean;
}

export async function updateOfficial(
  app: AppContext,
  actor: Actor,
  officialId: number,
  changes: OfficialChanges,
  form: FormContext,
): Promise<FormOutcome<StaffAdminError>> {
  return await runFormAction(app, actor, "official.update", `official:${officialId}`, form, async () => {
    if (!canManageStaff(actor)) return { ok: false, error: "not_allowed" };
    const official = await app.repos.officials.get(officialId);
    if (!official?.active) return { ok: false, error: "unknown_official" };
    const placement = await checkPlacement(app, changes.role, changes.officeKey);
    if (placement) return { ok: false, error: placement };
    const email = changes.email.trim() ? normalizeEmail(changes.email) : null;
    if (email !== null && !EMAIL.test(email)) return { ok: false, error: "email_invalid" };
    const holder = email ? await app.repos.staffAuth.officialByEmail(email) : undefined;
    if (holder && holder.id !== officialId) return { ok: false, error: "email_taken" };
    if (official.role === "admin" && changes.role !== "admin" && !(await otherActiveAdmin(app, officialId)))
      return { ok: false, error: "last_admin" };
    const before = {
      role: official.role,
      officeKey: official.officeKey,
      email: official.email,
      passwordRequired: official.passwordRequired,
    };
    const after = {
      role: changes.role,
      officeKey: changes.officeKey,
      email,
      passwordRequired: changes.passwordRequired,
    };
    await app.repos.staffAuth.setAccount(officialId, after);
    // A narrower role takes effect now: open sessions end.
    if (before.role !== after.role || before.officeKey !== after.officeKey)
      await app.repos.staffAuth.revokeAllSessions(officialId, app.clock.nowMs());
    return { ok: true, before, after };
  });
}

/** Deactivates an official: no sign-in, no chat commands, every open session ends. */
export async function deactivateOfficial(
  app: AppContext,
  actor: Actor,
  officialId: number,
  form: FormContext,
): Promise<FormOutcome<StaffAdminError>> {
  return await runFormAction(app, actor, "official.deactivate", `official:${officialId}`, form, async () => {
    if (!canManageStaff(actor)) return { ok: false, error: "not_allowed" };
    const official = await app.repos.officials.get(officialId);
    if (!official?.active) return { ok: false, error: "unknown_official" };
    if (official.role === "admin" && !(await otherActiveAdmin(app, officialId)))
      return { ok: false, error: "last_admin" };
    const nowMs = app.clock.nowMs();
    await app.repos.officials.remove(officialId, nowMs);
    const sessions = await app.repos.staffAuth.revokeAllSessions(officialId, nowMs);
    return { ok: true, before: { active: true }, after: { active: false, sessionsEnded: sessions } };
  });
}

async function otherActiveAdmin(app: AppContext, officialId: number): Promise<boolean> {
  return (await app.repos.officials.list()).some((o) => o.role === "admin" && o.id !== officialId);
}
