/**
 * The inbox's "was escalated" flag on SQLite, per question. The PostgreSQL comparison found the
 * most-overdue list reporting 0 for every question (an unqualified column in the subquery).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../src/db/client.ts";
import { createSyncRepos } from "../../src/db/repositories/index.ts";

describe("inbox on SQLite: escalated questions", () => {
  let dir: string;
  let db: Db;
  afterEach(() => {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("marks the escalated question, and only it, in the most overdue list and the summary", () => {
    dir = mkdtempSync(join(tmpdir(), "rinde-inbox-"));
    db = openDb(join(dir, "rinde.db"));
    const repos = createSyncRepos(db);
    const nowMs = Date.UTC(2026, 2, 10, 15);
    repos.offices.syncFromProfile(
      [
        {
          key: "hacienda",
          name: "Secretaría de Hacienda",
          category: "secretaria",
          head: "Jefe",
          description: "Impuestos",
        } as never,
      ],
      nowMs,
    );
    const citizen = repos.citizens.create("memory", "c1", "es", nowMs);
    const file = (reference: string) =>
      repos.questions.insert({
        reference,
        citizenId: citizen.citizenId,
        officeKey: "hacienda",
        requestType: "general",
        status: "open",
        text: `Pregunta ${reference}`,
        channel: "memory",
        filedAtMs: nowMs,
        termBusinessDays: 15,
        dueDate: "2026-02-01",
        termStartedAtMs: nowMs,
        updatedAtMs: nowMs,
        eventId: null,
      });
    const quiet = file("R-1");
    const escalated = file("R-2");
    // Ids that would collide with the bug: an event whose own id equals the quiet question's id.
    repos.questions.addEvent(escalated.id, "escalated", "system", nowMs);
    const rows = repos.inbox.mostOverdue(["hacienda"], "2026-03-10", 10);
    expect(rows.map((r) => [r.reference, r.escalated])).toEqual([
      ["R-1", 0],
      ["R-2", 1],
    ]);
    expect(quiet.id).not.toBe(escalated.id);
    expect(
      repos.inbox.deadlineSummary("2026-03-10", "2026-03-12").find((s) => s.officeKey === "hacienda"),
    ).toMatchObject({ overdue: 2, escalated: 1 });
  });
});
