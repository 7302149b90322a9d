/**
 * Baileys' own logs through the adapter logger: the contact JIDs, message keys and nodes Baileys
 * attaches at warn and error never reach our log (DESIGN.md invariant 5); the message text does.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createBaileysLogger, scrubLogText } from "../../src/channels/whatsapp/baileys-logger.ts";

function captured(level = "warn") {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const target = pino({ level, base: undefined }, destination);
  return { logger: createBaileysLogger(target.child({ module: "baileys" })), text: () => lines.join("") };
}

describe("the logger handed to Baileys", () => {
  it("keeps the message and the error's message and code, and drops keys, JIDs and nodes", () => {
    const { logger, text } = captured();
    const key = { remoteJid: "573001234567@s.whatsapp.net", id: "3EB0ABC", participant: "573001234567@s.whatsapp.net" };
    logger.error(
      { key, sender: "573001234567@s.whatsapp.net", author: "573001234567:3@s.whatsapp.net" },
      "failed to decrypt message",
    );
    const boom = Object.assign(new Error("no session for 573001234567@s.whatsapp.net"), { code: "ENOSESSION" });
    logger
      .child({ class: "ns", jid: "573001234567@s.whatsapp.net" })
      .warn({ jid: "573001234567@s.whatsapp.net", err: boom }, "error in sending message");
    logger.warn(
      new Error("bad node from 120363025246125888@g.us and 98765432101234@lid"),
      "unexpected error in 'handle message'",
    );
    logger.warn({ msg: "recv node 573001234567" });
    logger.info({ jid: "573001234567@s.whatsapp.net" }, "below the level");

    const out = text();
    expect(out).not.toContain("573001234567");
    expect(out).not.toContain("120363025246125888");
    expect(out).not.toContain("98765432101234");
    expect(out).not.toContain("3EB0ABC");
    expect(out).not.toContain("below the level");
    const entries = out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const errOf = (e: Record<string, unknown>) => {
      const err = e.err as { message?: string; code?: string } | undefined;
      return err && { message: err.message, ...(err.code ? { code: err.code } : {}) };
    };
    expect(entries.map((e) => [e.level, e.msg, errOf(e)])).toEqual([
      [50, "failed to decrypt message", undefined],
      [40, "error in sending message", { message: "no session for <jid>", code: "ENOSESSION" }],
      [40, "unexpected error in 'handle message'", { message: "bad node from <jid> and <jid>" }],
      [40, "recv node <digits>", undefined],
    ]);
    expect(Object.keys(entries[1]!).sort()).toEqual(["err", "level", "module", "msg", "time"]);
  });

  it("reports the target's level, so Baileys skips its trace-only work", () => {
    expect(captured("warn").logger.level).toBe("warn");
    expect(captured("warn").logger.child({}).level).toBe("warn");
  });

  it("scrubs JIDs of every server and long digit runs, and leaves short numbers", () => {
    expect(scrubLogText("to 573001234567:12@s.whatsapp.net, +573001234567, 3001234567@c.us, code 428, 1234567")).toBe(
      "to <jid>, +<digits>, <jid>, code 428, 1234567",
    );
  });
});
