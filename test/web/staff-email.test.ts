/** Staff e-mail notices through the outbox, delivered over SMTP to an in-process server. */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { classifySmtpError, createEmailChannel } from "../../src/channels/email/email-channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createBot, type Bot } from "../../src/main.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { fileQuestion } from "../../src/services/questions/questions.ts";
import { createMemoryChannel } from "../fakes/memory-channel.ts";
import { MONDAY_10AM_BOGOTA_MS } from "../helpers/harness.ts";
import { seedCitizens } from "../helpers/seed-citizens.ts";
import { sqlRow, storageEnv } from "../helpers/storage.ts";

interface Mail {
  to: string[];
  body: string;
}

describe("staff e-mail notices", () => {
  let dir: string;
  let smtp: SMTPServer;
  let mails: Mail[];
  let runtime: Runtime;
  let bot: Bot;
  let clock: ReturnType<typeof createManualClock>;
  beforeEach(async () => {
    mails = [];
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            body: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    dir = mkdtempSync(join(tmpdir(), "rinde-mail-"));
    const env = loadEnv({ ...storageEnv(join(dir, "rinde.db")), RINDE_SMTP_URL: `smtp://127.0.0.1:${port}` });
    clock = createManualClock(MONDAY_10AM_BOGOTA_MS);
    runtime = await createRuntime({ env, clock });
    runtime.app.emailNotices = true;
    const email = createEmailChannel({ smtpUrl: env.RINDE_SMTP_URL!, from: "Rinde <rinde@alcaldia.gov.co>" });
    bot = createBot(runtime, [createMemoryChannel(), email], { pollIntervalMs: 5, workerId: "mail-test" });
    await bot.start();
  });
  afterEach(async () => {
    await bot.stop();
    await runtime.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("e-mails a new question to the office's officials who have an e-mail, once", async () => {
    const { app } = runtime;
    const official = await app.repos.officials.add(
      { name: "Sin Grupo", officeKey: "salud", role: "official" },
      app.clock.nowMs(),
    );
    await app.repos.staffAuth.setAccount(official.id, { email: "singrupo@alcaldia.gov.co" });
    const [citizenId] = await seedCitizens(runtime, { count: 1, channel: "memory", nowMs: app.clock.nowMs() });
    const filed = await runtime.store.withTransaction(
      async () =>
        await fileQuestion(app, {
          citizenId: citizenId!,
          channel: "memory",
          text: "¿Cuándo abren la vacunación en el centro de salud?",
          officeKey: "salud",
          requestType: "general",
        }),
    );
    if (!filed.ok) throw new Error(filed.error);
    for (let i = 0; i < 50 && mails.length === 0; i++) {
      await bot.dispatcher.tick();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(["singrupo@alcaldia.gov.co"]);
    expect(mails[0]!.body).toContain(filed.question.reference);
    const row = await sqlRow(runtime, "select status from outbox where channel = 'email'");
    expect(row).toEqual({ status: "sent" });
  });

  /** Delivers what is queued until `count` mails arrived (or gives up after about a second). */
  const deliver = async (count: number) => {
    for (let i = 0; i < 50 && mails.length < count; i++) {
      await bot.dispatcher.tick();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const withEmail = async (
    name: string,
    role: "official" | "head" | "internal_control",
    officeKey: string | null,
    email: string,
  ) => {
    const official = await runtime.app.repos.officials.add({ name, officeKey, role }, runtime.app.clock.nowMs());
    await runtime.app.repos.staffAuth.setAccount(official.id, { email });
    return official.id;
  };

  it("e-mails an overdue question's escalation to the office's head and internal control, and the daily digest to the office", async () => {
    const { app } = runtime;
    await withEmail("Jefa Salud", "head", "salud", "jefa.salud@alcaldia.gov.co");
    await withEmail("Control", "internal_control", null, "control@alcaldia.gov.co");
    await withEmail("Jefe Hacienda", "head", "hacienda", "jefe.hacienda@alcaldia.gov.co");
    const [citizenId] = await seedCitizens(runtime, { count: 1, channel: "memory", nowMs: app.clock.nowMs() });
    const filed = await runtime.store.withTransaction(
      async () =>
        await fileQuestion(app, {
          citizenId: citizenId!,
          channel: "memory",
          text: "¿Cuándo abren la vacunación en el centro de salud?",
          officeKey: "salud",
          requestType: "general",
        }),
    );
    if (!filed.ok) throw new Error(filed.error);
    await deliver(1); // the new-question notice to the head
    mails.length = 0;
    // The day after the due date (Tuesday 24 March 2026), at 09:00 in Bogotá: escalation and digest.
    clock.setMs(Date.UTC(2026, 2, 25, 14, 0, 0));
    await bot.scheduler.tick();
    await deliver(4);
    const escalations = mails.filter((m) => m.body.includes("vencida"));
    expect(escalations.map((m) => m.to[0]).sort()).toEqual(["control@alcaldia.gov.co", "jefa.salud@alcaldia.gov.co"]);
    expect(escalations[0]!.body).toContain(filed.question.reference);
    const digests = mails.filter((m) => m.body.includes("Plazos"));
    expect(digests.map((m) => m.to[0])).toEqual(["jefa.salud@alcaldia.gov.co"]);
    expect(mails.some((m) => m.to.includes("jefe.hacienda@alcaldia.gov.co"))).toBe(false);
    // Another run of the scheduler that day sends nothing again.
    const sent = mails.length;
    await bot.scheduler.tick();
    await deliver(sent + 1);
    expect(mails).toHaveLength(sent);
  });

  it("retries on SMTP 4xx and network errors, gives up on 5xx (550: unreachable)", () => {
    expect(classifySmtpError({ responseCode: 421 })).toMatchObject({ kind: "retry" });
    expect(classifySmtpError({ code: "ECONNECTION" })).toMatchObject({ kind: "retry", scope: "channel" });
    expect(classifySmtpError({ responseCode: 550 })).toMatchObject({ kind: "permanent", unreachable: true });
    expect(classifySmtpError({ responseCode: 554 })).toMatchObject({ kind: "permanent", unreachable: false });
  });
});
