/**
 * `rinde events` and `rinde announcements` (in-process, real clock): refusals exit 1 with the reasons,
 * an announcement shows its count and needs confirmation (`--yes` outside a terminal), can be
 * scheduled with `--at`, and the figures are readable as JSON.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.ts";
import { createRuntime } from "../../src/runtime.ts";
import { runRinde } from "../helpers/cli.ts";
import { seedCitizens } from "../helpers/seed-citizens.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";
import { storageEnv } from "../helpers/storage.ts";

let dir: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rinde-events-cli-"));
  env = { ...storageEnv(join(dir, "rinde.db")), RINDE_PROFILE: "default" };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runRinde(args, env);

describe("events and announcements CLI", () => {
  it(
    "creates an event, refuses a bad one, and announces with a count and a confirmation",
    { timeout: 120_000 },
    async () => {
      await cli("db", "init");
      const nextYear = new Date().getUTCFullYear() + 1;
      const created = await cli(
        "events",
        "create",
        "--kind",
        "mayor_live",
        "--title",
        "Hable con el Alcalde",
        "--date",
        `${nextYear}-02-10`,
        "--start",
        "18:00",
        "--end",
        "19:00",
        "--link",
        "https://facebook.com/alcaldia/live",
        "--json",
      );
      expect(created.status, created.stderr).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({ id: 1, kind: "mayor_live", status: "scheduled" });

      const refused = await cli(
        "events",
        "create",
        "--kind",
        "mayor_live",
        "--title",
        "Mal",
        "--date",
        "2020-01-01",
        "--start",
        "10:00",
        "--end",
        "9:00",
        "--link",
        "https://x.co",
      );
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain("La fecha y hora de inicio ya pasaron");
      expect(refused.stderr).toContain("La hora de fin debe ser después de la hora de inicio");

      const runtime = await createRuntime({
        routerFactory: sharedRouterFactory,
        env: loadEnv({ ...storageEnv(join(dir, "rinde.db")), RINDE_PROFILE: "default" }),
      });
      await seedCitizens(runtime, {
        count: 7,
        channel: "memory",
        nowMs: Date.now(),
        subscription: { kind: "topic", key: "salud" },
      });
      await seedCitizens(runtime, {
        count: 3,
        channel: "memory",
        prefix: "d",
        nowMs: Date.now(),
        subscription: { kind: "district", key: "comuna-2" },
      });
      await runtime.close();

      const unconfirmed = await cli("announcements", "send", "--event", "1", "--topics", "salud");
      expect(unconfirmed.status).toBe(1);
      expect(unconfirmed.stdout).toContain("Destinatarios: 7 ciudadano(s)");
      expect(unconfirmed.stderr).toContain("agregue --yes");

      const sent = await cli(
        "announcements",
        "send",
        "--event",
        "1",
        "--topics",
        "salud",
        "--districts",
        "comuna-2",
        "--yes",
        "--no-watch",
      );
      expect(sent.status, sent.stderr).toBe(0);
      expect(sent.stdout).toContain("Destinatarios: 10 ciudadano(s)");
      expect(sent.stdout).toContain("Anuncio #1 en cola para 10 ciudadano(s)");

      const scheduled = await cli(
        "announcements",
        "send",
        "--text",
        "Corte de agua mañana",
        "--everyone",
        "--at",
        `${nextYear}-01-15 08:00`,
        "--yes",
        "--json",
      );
      expect(scheduled.status, scheduled.stderr).toBe(0);
      expect(JSON.parse(scheduled.stdout)).toMatchObject({
        id: 2,
        status: "scheduled",
        recipients: 10,
        scheduledAt: `${nextYear}-01-15T08:00:00-05:00`,
      });

      const status = await cli("announcements", "status", "1", "--json");
      expect(JSON.parse(status.stdout)).toEqual({
        id: 1,
        status: "released",
        total: 10,
        queued: 10,
        sent: 0,
        failed: 0,
        unreachable: 0,
        uncertain: 0,
      });
      const bar = await cli("announcements", "status", "1");
      expect(bar.stdout).toContain("en cola 10 · enviados 0 · fallidos 0 · inalcanzables 0 · inciertos 0 / 10");

      const wrongSegment = await cli("announcements", "send", "--text", "x", "--districts", "comuna-99", "--yes");
      expect(wrongSegment.status).toBe(1);
      expect(wrongSegment.stderr).toBe("rinde: --districts: «comuna-99» no existe. ¿Quiso decir `comuna-1`?\n");
      const cancel = await cli("announcements", "cancel", "1");
      expect(cancel.stdout).toContain("se retiraron 10 mensaje(s) en cola");
    },
  );
});
