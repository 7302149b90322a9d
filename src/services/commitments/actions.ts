/**
 * Flow actions of `flows/commitments.yaml`: citizens browse commitments by district, event or
 * office (or those they follow), a page at a time for chat, see one with its progress and follow or
 * unfollow it. Conversation variables: `filterKind`, `filterValue`, `filterName`, `page`,
 * `commitmentNumber`, and the option lists the menus show.
 */
import { formatLongDate, toLocalDate } from "../../core/calendar/index.ts";
import { COMMITMENTS_PER_PAGE, pageOf } from "../../core/commitments.ts";
import type { CommitmentFilter, CommitmentRow } from "../../db/repositories/commitments.ts";
import type { MenuOption } from "../../engine/engine.ts";
import type { ActionContext, ActionDefinition, ActionOutcome } from "../conversation/action-definition.ts";
import { dueDateText, officeName, render } from "../context.ts";
import { publicPageUrl } from "../transparency/links.ts";
import { eventLabel, quote, statusText } from "./notices.ts";
import { followCommitment, unfollowCommitment } from "./commitments.ts";

type FilterKind = "district" | "event" | "office" | "followed";

const MORE = "_more";
const BACK = "_back";
/** Progress entries shown with a commitment, newest first. */
const DETAIL_UPDATES = 5;

const str = (value: unknown): string =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : "";

function r(ctx: ActionContext, key: string, vars: Record<string, unknown> = {}): string {
  return render(ctx.app, ctx.citizen.locale, key, vars);
}

function filterOf(ctx: ActionContext): CommitmentFilter {
  const value = str(ctx.data.filterValue);
  switch (ctx.data.filterKind as FilterKind) {
    case "district":
      return { districtKey: value };
    case "event":
      return { eventId: Number(value) };
    case "office":
      return { officeKey: value };
    default:
      return { followedBy: ctx.citizen.citizenId };
  }
}

async function filterName(ctx: ActionContext, kind: FilterKind, value: string): Promise<string> {
  const { app } = ctx;
  if (kind === "district")
    return r(ctx, "commitments.filter.district", {
      name: app.profile.districts.find((d) => d.key === value)?.name ?? value,
    });
  if (kind === "event")
    return r(ctx, "commitments.filter.event", {
      name: (await eventLabel(app, ctx.citizen.locale, Number(value))) ?? value,
    });
  if (kind === "office") return r(ctx, "commitments.filter.office", { name: officeName(app, value) });
  return r(ctx, "commitments.filter.followed");
}

/** Page `page` of the current filter: its menu options and header variables. */
async function pageData(ctx: ActionContext, page: number): Promise<ActionOutcome> {
  const repo = ctx.app.repos.commitments;
  const filter = filterOf(ctx);
  const total = await repo.count(filter);
  if (total === 0) return { result: "none" };
  const at = pageOf(total, page);
  const items = await repo.list(filter, { limit: COMMITMENTS_PER_PAGE, offset: at.offset });
  const pageOptions: MenuOption[] = items.map((c) => ({
    value: String(c.number),
    label: r(ctx, "commitments.item_label", {
      text: quote(c.text, 60),
      statusText: statusText(ctx.app, ctx.citizen.locale, c.status),
      percent: c.progress,
    }),
  }));
  if (at.hasMore)
    pageOptions.push({ value: MORE, label: r(ctx, "commitments.more", { page: at.page + 1, pages: at.pages }) });
  pageOptions.push({ value: BACK, label: r(ctx, "commitments.back") });
  return { result: "some", data: { pageOptions, page: at.page, pages: at.pages, total, pageChoice: null } };
}

function chooseFrom(
  kind: FilterKind,
  options: (ctx: ActionContext) => MenuOption[] | Promise<MenuOption[]>,
): ActionDefinition {
  return {
    results: ["some", "none"],
    run: async (ctx) => {
      const filterOptions = await options(ctx);
      if (filterOptions.length === 0) return { result: "none" };
      return {
        result: "some",
        data: {
          filterKind: kind,
          filterOptions: [...filterOptions, { value: BACK, label: r(ctx, "commitments.back") }],
          filterChoice: null,
        },
      };
    },
  };
}

const withCount = (ctx: ActionContext, name: string, total: number) =>
  r(ctx, "commitments.option_with_count", { name, total });

async function detailData(ctx: ActionContext, c: CommitmentRow): Promise<Record<string, unknown>> {
  const { app, citizen } = ctx;
  const locale = citizen.locale;
  const lines: string[] = [];
  if (c.eventId !== null)
    lines.push(r(ctx, "commitments.detail_event", { name: (await eventLabel(app, locale, c.eventId)) ?? "" }));
  if (c.districtKey)
    lines.push(
      r(ctx, "commitments.detail_district", {
        name: app.profile.districts.find((d) => d.key === c.districtKey)?.name ?? c.districtKey,
      }),
    );
  if (c.status === "cancelled" && c.statusReason)
    lines.push(r(ctx, "commitments.detail_reason", { reason: c.statusReason }));
  const url = publicPageUrl(app, `/compromisos/${c.number}`, locale);
  if (url) lines.push(r(ctx, "publico.chat.commitment", { url }));
  const progress = (await app.repos.commitments.history(c.id))
    .filter((u) => u.kind === "progress")
    .slice(-DETAIL_UPDATES)
    .reverse()
    .map((u) => {
      const date = formatLongDate(toLocalDate(new Date(u.atMs), app.profile.timezone), locale === "en" ? "en" : "es");
      const evidence = u.evidenceUrl ? r(ctx, "commitments.detail_evidence", { url: u.evidenceUrl }) : "";
      return r(ctx, "commitments.detail_update", { dateText: date, percent: u.percent, note: u.note ?? "", evidence });
    });
  const following = await app.repos.commitments.isFollowing(c.id, citizen.citizenId);
  const detailText = r(ctx, "commitments.detail", {
    number: c.number,
    text: c.text,
    officeName: officeName(app, c.officeKey),
    dueDateText: dueDateText(c.dueDate, locale),
    statusText: statusText(app, locale, c.status),
    percent: c.progress,
    extraLines: lines.map((l) => `\n${l}`).join(""),
    updatesText: progress.length
      ? `${r(ctx, "commitments.detail_updates_title")}\n${progress.join("\n")}`
      : r(ctx, "commitments.detail_no_updates"),
    followText: r(ctx, following ? "commitments.following_yes" : "commitments.following_no"),
  });
  const detailOptions: MenuOption[] = [
    following
      ? { value: "unfollow", label: r(ctx, "commitments.unfollow") }
      : { value: "follow", label: r(ctx, "commitments.follow") },
    { value: "list", label: r(ctx, "commitments.back_to_list") },
    { value: "menu", label: r(ctx, "commitments.back_to_main") },
  ];
  return { commitmentNumber: c.number, detailText, detailOptions, detailChoice: null };
}

export const commitmentActions: Record<string, ActionDefinition> = {
  "commitment.district_options": chooseFrom("district", async (ctx) => {
    const repo = ctx.app.repos.commitments;
    const options: MenuOption[] = [];
    for (const d of ctx.app.profile.districts) {
      const total = await repo.count({ districtKey: d.key });
      if (total > 0) options.push({ value: d.key, label: withCount(ctx, d.name, total) });
    }
    return options;
  }),
  // The ten most recent dialogue spaces with commitments: older ones are found by district or office.
  "commitment.event_options": chooseFrom("event", async (ctx) => {
    const options: MenuOption[] = [];
    for (const e of (await ctx.app.repos.commitments.countsByEvent()).slice(0, 10)) {
      options.push({
        value: String(e.eventId),
        label: withCount(ctx, (await eventLabel(ctx.app, ctx.citizen.locale, e.eventId)) ?? e.title, e.count),
      });
    }
    return options;
  }),
  "commitment.office_options": chooseFrom("office", async (ctx) =>
    (await ctx.app.repos.commitments.countsByOffice())
      .map((o) => ({ value: o.key, label: withCount(ctx, officeName(ctx.app, o.key), o.count) }))
      .sort((a, b) => a.label.localeCompare(b.label, "es")),
  ),
  /** After a district, event or office was chosen: its first page (or back to the menu). */
  "commitment.first_page": {
    results: ["some", "none", "back"],
    run: async (ctx) => {
      const value = str(ctx.data.filterChoice);
      if (value === BACK) return { result: "back", data: { filterChoice: null } };
      const kind = ctx.data.filterKind as FilterKind;
      const scoped = { ...ctx, data: { ...ctx.data, filterValue: value } };
      const page = await pageData(scoped, 1);
      return {
        ...page,
        data: { ...page.data, filterValue: value, filterName: await filterName(ctx, kind, value), filterOptions: null },
      };
    },
  },
  "commitment.list_followed": {
    results: ["some", "none"],
    run: async (ctx) => {
      const scoped = { ...ctx, data: { ...ctx.data, filterKind: "followed" } };
      const page = await pageData(scoped, 1);
      return {
        ...page,
        data: {
          ...page.data,
          filterKind: "followed",
          filterValue: null,
          filterName: await filterName(ctx, "followed", ""),
        },
      };
    },
  },
  /** A choice on a page: a commitment, the next page, or back. */
  "commitment.pick": {
    results: ["show", "more", "back", "gone"],
    run: async (ctx) => {
      const choice = str(ctx.data.pageChoice);
      if (choice === BACK) return { result: "back", data: { pageChoice: null } };
      if (choice === MORE) {
        const next = await pageData(ctx, Number(ctx.data.page ?? 1) + 1);
        return next.result === "some" ? { result: "more", data: next.data } : { result: "back" };
      }
      const commitment = await ctx.app.repos.commitments.byNumber(Number(choice));
      if (!commitment) return { result: "gone", data: { pageChoice: null } };
      return { result: "show", data: { ...(await detailData(ctx, commitment)), pageChoice: null } };
    },
  },
  /** A choice under a commitment: follow, unfollow, back to the list, or the main menu. */
  "commitment.detail_choice": {
    results: ["followed", "unfollowed", "unfollowed_last", "missing_consent", "list", "menu", "gone"],
    run: async (ctx) => {
      const choice = str(ctx.data.detailChoice);
      const number = Number(ctx.data.commitmentNumber);
      if (choice === "menu") return { result: "menu", clearData: true };
      if (choice === "list") {
        const page = await pageData(ctx, Number(ctx.data.page ?? 1));
        return page.result === "some"
          ? { result: "list", data: { ...page.data, detailChoice: null } }
          : { result: "menu", clearData: true };
      }
      const outcome =
        choice === "follow"
          ? await followCommitment(ctx.app, ctx.citizen.citizenId, number)
          : await unfollowCommitment(ctx.app, ctx.citizen.citizenId, number);
      if (!outcome.ok)
        return {
          result: outcome.error === "missing_consent" ? "missing_consent" : "gone",
          data: { detailChoice: null },
        };
      const page = await pageData(ctx, Number(ctx.data.page ?? 1));
      // Unfollowing the last one of "those I follow" leaves no list to go back to.
      if (page.result === "none") return { result: "unfollowed_last", data: { detailChoice: null } };
      return { result: choice === "follow" ? "followed" : "unfollowed", data: { ...page.data, detailChoice: null } };
    },
  },
};
