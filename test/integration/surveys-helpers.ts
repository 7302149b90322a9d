/** Shared pieces of the survey tests: running due jobs, consenting citizens, events, reading the survey tables. */
import type { Harness } from "../helpers/harness.ts";
import { sqlRow, sqlRows } from "../helpers/storage.ts";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export { bogota } from "../helpers/scenario.ts";

/** Runs the due jobs and delivers what they queued. */
export async function runJobs(h: Harness): Promise<void> {
  await h.bot.scheduler.tick();
  await h.bot.dispatcher.tick();
}

/** Moves the clock forward, then runs the due jobs. */
export async function advance(h: Harness, ms: number): Promise<void> {
  h.clock.advanceMs(ms);
  await runJobs(h);
}

/** A citizen who wrote and accepted the data notice (now at the main menu). Returns their id. */
export async function consentedCitizen(h: Harness, address: string): Promise<number> {
  await h.say(address, "hola");
  await h.say(address, "1");
  return await citizenId(h, address);
}

export async function citizenId(h: Harness, address: string): Promise<number> {
  return (await h.runtime.app.repos.citizens.findContext("memory", address))!.citizenId;
}

/** Inserts an event that ends at `endsAtMs` and the RSVPs given. */
export async function addEvent(
  h: Harness,
  input: {
    title: string;
    endsAtMs: number;
    officeKey?: string;
    rsvps?: [number, "yes" | "no"][];
    status?: "scheduled" | "cancelled";
  },
): Promise<number> {
  const nowMs = h.clock.nowMs();
  const event = await sqlRow<{ id: number }>(
    h.runtime,
    "insert into events (kind, title, starts_at_ms, ends_at_ms, office_key, status, created_by, created_at_ms, updated_at_ms) values ('public_hearing', ?, ?, ?, ?, ?, 'cli', ?, ?) returning id",
    [
      input.title,
      input.endsAtMs - 2 * HOUR_MS,
      input.endsAtMs,
      input.officeKey ?? null,
      input.status ?? "scheduled",
      nowMs,
      nowMs,
    ],
  );
  for (const [citizenId, answer] of input.rsvps ?? [])
    await sqlRows(
      h.runtime,
      "insert into event_rsvps (event_id, citizen_id, answer, created_at_ms, updated_at_ms) values (?, ?, ?, ?, ?)",
      [event!.id, citizenId, answer, nowMs, nowMs],
    );
  return event!.id;
}

export interface InvitationView {
  citizen: number;
  run: number;
  status: string;
  cancelReason: string | null;
}

export async function invitations(h: Harness): Promise<InvitationView[]> {
  return await sqlRows<InvitationView>(
    h.runtime,
    'select citizen_id citizen, run_id run, status, cancel_reason "cancelReason" from survey_invitations order by id',
  );
}

export async function runs(h: Harness): Promise<
  {
    id: number;
    surveyId: string;
    trigger: string;
    eventId: number | null;
    officeKey: string | null;
    closedAtMs: number | null;
  }[]
> {
  return await sqlRows(
    h.runtime,
    'select id, survey_id "surveyId", trigger, event_id "eventId", office_key "officeKey", closed_at_ms "closedAtMs" from survey_runs order by id',
  );
}

/** Answers of every response, oldest first: `{ questionId: value }`. */
export async function responseAnswers(h: Harness): Promise<Record<string, string | null>[]> {
  const responses = await sqlRows<{ id: number }>(h.runtime, "select id from survey_responses order by id");
  const answers: Record<string, string | null>[] = [];
  for (const r of responses) {
    const rows = await sqlRows<{ k: string; v: string | null }>(
      h.runtime,
      "select question_key k, value v from survey_answers where response_id = ? order by id",
      [r.id],
    );
    answers.push(Object.fromEntries(rows.map((a) => [a.k, a.v])));
  }
  return answers;
}

export async function conversationOf(
  h: Harness,
  citizen: number,
): Promise<{ flowId: string; stepId: string; data: string } | undefined> {
  return await sqlRow(
    h.runtime,
    'select flow_id "flowId", step_id "stepId", data from conversations where citizen_id = ?',
    [citizen],
  );
}

/** Runs `work` and returns what it wrote to stdout and stderr (the CLI commands print there). */
export function captureOutput(work: () => void): { stdout: string; stderr: string; error?: Error } {
  const out = { stdout: "", stderr: "" } as { stdout: string; stderr: string; error?: Error };
  const original = {
    stdout: process.stdout.write.bind(process.stdout),
    stderr: process.stderr.write.bind(process.stderr),
  };
  const capture = (key: "stdout" | "stderr") =>
    ((chunk: string | Uint8Array) => {
      out[key] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture("stdout");
  process.stderr.write = capture("stderr");
  try {
    work();
  } catch (error) {
    out.error = error as Error;
  } finally {
    process.stdout.write = original.stdout;
    process.stderr.write = original.stderr;
  }
  return out;
}
