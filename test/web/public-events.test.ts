/**
 * Public events and their calendar files. QA: a cancelled event that had not happened yet was
 * listed under "Anteriores"; people who planned to go look for it among the upcoming ones.
 */
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cancelEvent, createEvent, updateEvent } from "../../src/services/events/events.ts";
import { icsDocument } from "../../src/services/events/texts.ts";
import { createPublicData } from "../../src/services/transparency/public-data.ts";
import { createWebServer } from "../../src/web/server.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { bogota } from "../helpers/scenario.ts";

let h: Harness;
let server: FastifyInstance;
beforeEach(async () => {
  h = await createHarness({ startMs: bogota("2026-03-02", "10:00") });
  server = await createWebServer({ app: h.runtime.app, listenUrl: "http://127.0.0.1:3000" });
});
afterEach(async () => {
  await server.close();
  await h.close();
});

async function addEvent(title: string, date: string): Promise<number> {
  const created = await createEvent(
    h.runtime.app,
    { kind: "cli" },
    {
      kind: "public_hearing",
      title,
      description: "",
      startsAtMs: bogota(date, "09:00"),
      endsAtMs: bogota(date, "12:00"),
      place: "Teatro Municipal",
      virtualUrl: null,
      officeKey: null,
      districts: [],
      topics: [],
    },
  );
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  return created.event.id;
}

const section = (html: string, from: string, to: string) => html.slice(html.indexOf(from), html.indexOf(to));

describe("public events", () => {
  it("lists a cancelled upcoming event among the upcoming ones, marked cancelled, never as past", async () => {
    const id = await addEvent("Audiencia pública de rendición de cuentas", "2026-03-20");
    await addEvent("Diálogo con la comuna 1", "2026-03-25");
    expect((await cancelEvent(h.runtime.app, { kind: "cli" }, id)).ok).toBe(true);

    const { upcoming, past } = await createPublicData(h.runtime.app, { refreshMs: 0 }).events();
    expect(upcoming.map((e) => [e.id, e.status])).toEqual([
      [id, "cancelled"],
      [id + 1, "scheduled"],
    ]);
    expect(past).toEqual([]);

    const page = await server.inject({ method: "GET", url: "/eventos" });
    expect(page.statusCode).toBe(200);
    const upcomingHtml = section(page.body, "Próximos", "Anteriores");
    expect(upcomingHtml).toContain("Audiencia pública de rendición de cuentas");
    expect(upcomingHtml).toMatch(/Audiencia pública[\s\S]*Cancelado/);
    expect(section(page.body, "Anteriores", "<footer")).not.toContain("Audiencia pública");

    // Once its date has gone by, it is a past event like any other.
    h.clock.advanceMs(30 * 24 * 3600_000);
    const later = await createPublicData(h.runtime.app, { refreshMs: 0 }).events();
    expect(later.past.map((e) => e.id)).toContain(id);
  });

  it("gives an event the same UID and SEQUENCE in the chat's file and the public feed; an edit and a cancel raise it in both", async () => {
    const id = await addEvent("Audiencia pública de rendición de cuentas", "2026-03-20");
    await addEvent("Diálogo con la comuna 1", "2026-03-25");
    const app = h.runtime.app;
    /** The event's block of the public feed, unfolded. */
    const feedBlock = async () => {
      const feed = await server.inject({ method: "GET", url: "/calendario/eventos.ics" });
      expect(feed.statusCode).toBe(200);
      const blocks = feed.body
        .replace(/\r\n[ \t]/g, "")
        .split("BEGIN:VEVENT")
        .slice(1);
      return blocks.find((b) => b.includes(`UID:event-${id}@`))!;
    };
    const chatFile = async () =>
      (await icsDocument(app, (await app.repos.events.get(id))!)).content.replace(/\r\n[ \t]/g, "");
    const field = (text: string, name: string) => new RegExp(`^${name}:(.*)$`, "m").exec(text)?.[1]?.trim();
    const both = async () => {
      const [feed, chat] = [await feedBlock(), await chatFile()];
      expect(field(feed, "UID")).toBe(field(chat, "UID"));
      return { feed, chat, sequences: [field(feed, "SEQUENCE"), field(chat, "SEQUENCE")] };
    };

    expect((await both()).sequences).toEqual(["0", "0"]);

    h.clock.advanceMs(60_000);
    const edited = await updateEvent(app, { kind: "cli" }, id, { place: "Coliseo Municipal" });
    expect(edited.ok && edited.notified).toBe(true);
    const afterEdit = await both();
    expect(afterEdit.sequences).toEqual(["1", "1"]);
    expect(afterEdit.feed).toContain("Coliseo Municipal");

    h.clock.advanceMs(60_000);
    expect((await cancelEvent(app, { kind: "cli" }, id)).ok).toBe(true);
    const afterCancel = await both();
    expect(afterCancel.sequences).toEqual(["2", "2"]);
    expect(field(afterCancel.feed, "STATUS")).toBe("CANCELLED");
    expect(field(afterCancel.chat, "STATUS")).toBe("CANCELLED");
  });
});
