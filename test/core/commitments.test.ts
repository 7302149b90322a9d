import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/authorization.ts";
import {
  applyCancel,
  applyProgress,
  buildReport,
  canActOnCommitment,
  checkDueDate,
  checkEvidenceUrl,
  checkText,
  isNewlyOverdue,
  nextMonth,
  pageOf,
  previousMonth,
  type ReportInput,
} from "../../src/core/commitments.ts";
import { quietUntilMs } from "../../src/core/quiet-hours.ts";
import { parseCommitmentCommandArgs, parseDateInput } from "../../src/core/commitment-commands.ts";
import { parseStaffCommand } from "../../src/core/staff-commands.ts";

const official = (
  role: "official" | "head" | "communications" | "internal_control" | "admin",
  officeKey: string | null,
  active = true,
): Actor => ({ kind: "official", officialId: 1, officeKey, role, active });

describe("who may do what with a commitment", () => {
  it("lets only the responsible office post progress", () => {
    expect(canActOnCommitment(official("official", "salud"), "progress", "salud")).toBe(true);
    expect(canActOnCommitment(official("head", "salud"), "progress", "salud")).toBe(true);
    expect(canActOnCommitment(official("official", "ambiente"), "progress", "salud")).toBe(false);
    expect(canActOnCommitment(official("head", "ambiente"), "progress", "salud")).toBe(false);
    expect(canActOnCommitment(official("communications", null), "progress", "salud")).toBe(false);
    expect(canActOnCommitment(official("internal_control", null), "progress", "salud")).toBe(false);
    expect(canActOnCommitment(official("official", "salud", false), "progress", "salud")).toBe(false);
  });

  it("lets communications and the office's head record and cancel, not a plain official", () => {
    expect(canActOnCommitment(official("communications", null), "record", "salud")).toBe(true);
    expect(canActOnCommitment(official("head", "salud"), "record", "salud")).toBe(true);
    expect(canActOnCommitment(official("head", "ambiente"), "record", "salud")).toBe(false);
    expect(canActOnCommitment(official("official", "salud"), "record", "salud")).toBe(false);
    expect(canActOnCommitment(official("official", "salud"), "cancel", "salud")).toBe(false);
    expect(canActOnCommitment(official("communications", null), "cancel", "salud")).toBe(true);
    expect(canActOnCommitment({ kind: "cli" }, "progress", "salud")).toBe(true);
    expect(canActOnCommitment(official("internal_control", null), "view", "salud")).toBe(true);
  });
});

describe("registry rules", () => {
  it("refuses a due date in the past or not a date; accepts today", () => {
    expect(checkDueDate("2026-03-01", "2026-03-02")).toBe("due_date_in_past");
    expect(checkDueDate("2026-03-02", "2026-03-02")).toBeUndefined();
    expect(checkDueDate("2026-02-30", "2026-01-01")).toBe("invalid_due_date");
    expect(checkDueDate("mañana", "2026-01-01")).toBe("invalid_due_date");
  });

  it("checks text and evidence links", () => {
    expect(checkText("   ")).toBe("empty_text");
    expect(checkText("x".repeat(1001))).toBe("text_too_long");
    expect(checkText("Arreglar la vía")).toBeUndefined();
    expect(checkEvidenceUrl("https://alcaldia.gov.co/acta.pdf")).toBeUndefined();
    expect(checkEvidenceUrl("javascript:alert(1)")).toBe("invalid_evidence_url");
    expect(checkEvidenceUrl("www.sin-esquema.co")).toBe("invalid_evidence_url");
  });

  it("moves through the statuses with progress", () => {
    expect(applyProgress({ status: "pending", progress: 0 }, 30, "Contrato firmado")).toEqual({
      ok: true,
      status: "in_progress",
      progress: 30,
    });
    expect(applyProgress({ status: "in_progress", progress: 30 }, 100, "Obra entregada")).toEqual({
      ok: true,
      status: "done",
      progress: 100,
    });
    expect(applyProgress({ status: "overdue", progress: 30 }, 60, "Avanza")).toEqual({
      ok: true,
      status: "overdue",
      progress: 60,
    });
    expect(applyProgress({ status: "overdue", progress: 60 }, 100, "Terminada tarde")).toEqual({
      ok: true,
      status: "done",
      progress: 100,
    });
    expect(applyProgress({ status: "pending", progress: 0 }, 0, "Aún en diseño")).toEqual({
      ok: true,
      status: "pending",
      progress: 0,
    });
  });

  it("refuses progress outside 0–100, backwards, without a note or on a closed commitment", () => {
    expect(applyProgress({ status: "pending", progress: 0 }, 101, "x")).toEqual({
      ok: false,
      error: "progress_out_of_range",
    });
    expect(applyProgress({ status: "pending", progress: 0 }, -1, "x")).toEqual({
      ok: false,
      error: "progress_out_of_range",
    });
    expect(applyProgress({ status: "pending", progress: 0 }, 12.5, "x")).toEqual({
      ok: false,
      error: "progress_out_of_range",
    });
    expect(applyProgress({ status: "in_progress", progress: 50 }, 40, "x")).toEqual({
      ok: false,
      error: "progress_backwards",
    });
    expect(applyProgress({ status: "in_progress", progress: 50 }, 60, "  ")).toEqual({
      ok: false,
      error: "note_required",
    });
    expect(applyProgress({ status: "done", progress: 100 }, 100, "x")).toEqual({ ok: false, error: "already_closed" });
    expect(applyProgress({ status: "cancelled", progress: 10 }, 20, "x")).toEqual({
      ok: false,
      error: "already_closed",
    });
  });

  it("cancels only open commitments, with a reason", () => {
    expect(applyCancel({ status: "in_progress", progress: 20 }, "Sin presupuesto")).toEqual({
      ok: true,
      status: "cancelled",
      progress: 20,
    });
    expect(applyCancel({ status: "pending", progress: 0 }, " ")).toEqual({ ok: false, error: "reason_required" });
    expect(applyCancel({ status: "done", progress: 100 }, "x")).toEqual({ ok: false, error: "already_closed" });
  });

  it("flags overdue the day after the due date, once", () => {
    expect(isNewlyOverdue({ status: "pending", dueDate: "2026-03-02" }, "2026-03-02")).toBe(false);
    expect(isNewlyOverdue({ status: "in_progress", dueDate: "2026-03-02" }, "2026-03-03")).toBe(true);
    expect(isNewlyOverdue({ status: "overdue", dueDate: "2026-03-02" }, "2026-03-03")).toBe(false);
    expect(isNewlyOverdue({ status: "done", dueDate: "2026-03-02" }, "2026-03-03")).toBe(false);
  });
});

describe("report figures", () => {
  const item = (
    number: number,
    officeKey: string,
    status: ReportInput["status"],
    dueDate: string,
    doneOn: string | null = null,
    progress = 0,
  ): ReportInput => ({ number, officeKey, status, dueDate, doneOn, progress });

  it("counts by status and office, the share done on time and the overdue list", () => {
    const report = buildReport(
      [
        item(1, "salud", "done", "2026-03-10", "2026-03-09", 100), // on time
        item(2, "salud", "done", "2026-03-10", "2026-03-12", 100), // late
        item(3, "salud", "overdue", "2026-03-05", null, 40),
        item(4, "ambiente", "in_progress", "2026-03-20", null, 10), // past due, not swept yet
        item(5, "ambiente", "pending", "2026-06-30"),
        item(6, "ambiente", "cancelled", "2026-03-01"),
        item(7, "ambiente", "done", "2026-06-30", "2026-03-15", 100), // on time
      ],
      "2026-03-25",
    );
    expect(report.total).toBe(7);
    expect(report.byStatus).toEqual({ pending: 1, in_progress: 1, done: 3, overdue: 1, cancelled: 1 });
    expect(report.dueSoFar).toBe(5); // 3 done + 2 past due; the cancelled one and the future pending one do not count
    expect(report.doneOnTime).toBe(2);
    expect(report.shareDoneOnTime).toBeCloseTo(0.4);
    expect(report.byOffice.map((o) => [o.officeKey, o.total, o.doneOnTime, o.dueSoFar])).toEqual([
      ["ambiente", 4, 1, 2],
      ["salud", 3, 1, 3],
    ]);
    expect(report.overdue.map((o) => [o.number, o.daysOverdue])).toEqual([
      [3, 20],
      [4, 5],
    ]);
  });

  it("has no share before anything came due", () => {
    expect(buildReport([item(1, "salud", "pending", "2026-12-01")], "2026-03-02").shareDoneOnTime).toBeNull();
  });
});

describe("helpers", () => {
  it("pages for chat, five at a time", () => {
    expect(pageOf(12, 1)).toEqual({ page: 1, pages: 3, offset: 0, hasMore: true });
    expect(pageOf(12, 3)).toEqual({ page: 3, pages: 3, offset: 10, hasMore: false });
    expect(pageOf(12, 9)).toMatchObject({ page: 3 });
    expect(pageOf(0, 1)).toEqual({ page: 1, pages: 1, offset: 0, hasMore: false });
  });

  it("reads dates as officials write them", () => {
    expect(parseDateInput("2026-06-30")).toBe("2026-06-30");
    expect(parseDateInput("30/06/2026")).toBe("2026-06-30");
    expect(parseDateInput("1-7-2026")).toBe("2026-07-01");
    expect(parseDateInput("junio")).toBeUndefined();
  });

  it("steps months and finds the end of quiet hours", () => {
    expect(nextMonth("2026-12")).toBe("2027-01");
    expect(previousMonth("2026-01")).toBe("2025-12");
    const quiet = { start: "21:00", end: "07:00" };
    // 22:00 Bogotá (03:00 UTC next day) → 07:00 Bogotá the next day (12:00 UTC).
    expect(quietUntilMs(Date.UTC(2026, 2, 3, 3, 0), quiet, "America/Bogota")).toBe(Date.UTC(2026, 2, 3, 12, 0));
    expect(quietUntilMs(Date.UTC(2026, 2, 3, 10, 0), quiet, "America/Bogota")).toBe(Date.UTC(2026, 2, 3, 12, 0));
    expect(quietUntilMs(Date.UTC(2026, 2, 3, 15, 0), quiet, "America/Bogota")).toBeUndefined();
  });
});

describe("staff commands for commitments", () => {
  it("parses /compromiso with or without office, event and district", () => {
    expect(
      parseStaffCommand("/compromiso salud 2026-06-30 evento:4 comuna:comuna-1 Abrir el puesto de salud\nlos sábados"),
    ).toEqual({
      ok: true,
      command: {
        kind: "commitment_add",
        officeKey: "salud",
        dueDate: "2026-06-30",
        eventId: 4,
        districtKey: "comuna-1",
        text: "Abrir el puesto de salud\nlos sábados",
      },
    });
    expect(parseStaffCommand("/compromiso 30/06/2026 Arreglar el parque")).toEqual({
      ok: true,
      command: { kind: "commitment_add", dueDate: "2026-06-30", text: "Arreglar el parque" },
    });
    expect(parseStaffCommand("/compromiso salud")).toEqual({ ok: false, error: "usage", command: "commitment_add" });
  });

  it("parses /avance with a percentage, a note and an evidence link", () => {
    expect(parseStaffCommand("/avance 12 40% Se firmó el contrato https://secop.gov.co/c/1 ayer")).toEqual({
      ok: true,
      command: {
        kind: "commitment_progress",
        number: 12,
        percent: 40,
        note: "Se firmó el contrato ayer",
        evidenceUrl: "https://secop.gov.co/c/1",
      },
    });
    expect(parseStaffCommand("/avance 12 140 demasiado")).toMatchObject({ ok: true, command: { percent: 140 } });
    expect(parseStaffCommand("/avance doce 40 nota")).toEqual({
      ok: false,
      error: "usage",
      command: "commitment_progress",
    });
    expect(parseCommitmentCommandArgs("commitment_cancel", "#7 Sin presupuesto")).toEqual({
      kind: "commitment_cancel",
      number: 7,
      reason: "Sin presupuesto",
    });
  });

  it("needs the slash: 'avance' and 'compromiso' are ordinary words in a group", () => {
    expect(parseStaffCommand("avance 12 40 nota")).toEqual({ ok: false, error: "not_a_command" });
    expect(parseStaffCommand("compromiso cumplido")).toEqual({ ok: false, error: "not_a_command" });
    expect(parseStaffCommand("/compromisos")).toEqual({ ok: true, command: { kind: "commitment_list" } });
  });
});
