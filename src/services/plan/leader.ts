/** The plan leader named by the profile (`planLeader`), and the chats that hear from the plan. */
import type { AppContext } from "../context.ts";
import { officeTargets, type NoticeTarget } from "../staff/office-targets.ts";

/** The leader's office: the named office, or the office of the named official. */
export async function leaderOfficeOf(app: AppContext): Promise<string | null> {
  const leader = app.profile.planLeader;
  if (!leader) return null;
  if ("office" in leader) return leader.office;
  return (await app.repos.officials.get(leader.official))?.officeKey ?? null;
}

/** Where the monthly digest goes: the office's chats, or the official's own chat if linked and active. */
export async function leaderTargets(app: AppContext): Promise<NoticeTarget[]> {
  const leader = app.profile.planLeader;
  if (!leader) return [];
  if ("office" in leader) return await officeTargets(app, leader.office);
  const official = await app.repos.officials.get(leader.official);
  if (!official?.active || !official.channel || !official.address) return [];
  return [{ channel: official.channel, address: official.address, id: `official-${official.id}` }];
}
