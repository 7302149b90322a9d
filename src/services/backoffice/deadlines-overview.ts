/**
 * Vencimientos (issue 14): overdue and due-soon questions across the offices an actor may see
 * (heads: their office; internal control and admins: all), with the escalation state, and the
 * most overdue questions to drill into.
 */
import type { Actor } from "../../core/authorization.ts";
import { toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import type { AppContext } from "../context.ts";
import { businessDaysLeft, visibleOffices } from "./inbox.ts";

export interface OfficeDeadlines {
  officeKey: string;
  officeName: string;
  overdue: number;
  escalated: number;
  dueSoon: number;
  waiting: number;
}

export type DeadlinesOverview =
  | {
      ok: true;
      today: LocalDate;
      offices: OfficeDeadlines[];
      totals: { overdue: number; escalated: number; dueSoon: number; waiting: number };
      mostOverdue: {
        reference: string;
        officeName: string;
        dueDate: LocalDate;
        businessDaysOverdue: number;
        escalated: boolean;
        excerpt: string;
      }[];
    }
  | { ok: false; error: "not_allowed" };

export async function deadlinesOverview(app: AppContext, actor: Actor): Promise<DeadlinesOverview> {
  const offices = await visibleOffices(app, actor);
  if (offices.length === 0) return { ok: false, error: "not_allowed" };
  const names = new Map(offices.map((o) => [o.key, o.name]));
  const today = toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  const dueSoonThrough = app.calendar.addBusinessDays(today, app.profile.dueSoonBusinessDays);
  const rows = (await app.repos.inbox.deadlineSummary(today, dueSoonThrough))
    .filter((r) => names.has(r.officeKey))
    .map((r) => ({ ...r, officeName: names.get(r.officeKey)! }))
    .sort((a, b) => b.overdue - a.overdue || b.dueSoon - a.dueSoon || a.officeName.localeCompare(b.officeName));
  const sum = (field: "overdue" | "escalated" | "dueSoon" | "waiting") =>
    rows.reduce((total, r) => total + r[field], 0);
  return {
    ok: true,
    today,
    offices: rows,
    totals: { overdue: sum("overdue"), escalated: sum("escalated"), dueSoon: sum("dueSoon"), waiting: sum("waiting") },
    mostOverdue: (await app.repos.inbox.mostOverdue([...names.keys()], today, 50)).map((q) => ({
      reference: q.reference,
      officeName: names.get(q.officeKey)!,
      dueDate: q.dueDate,
      businessDaysOverdue: -businessDaysLeft(app, today, q.dueDate),
      escalated: q.escalated === 1,
      excerpt: q.excerpt,
    })),
  };
}
