/** Shared pieces of the survey tests: running due jobs, consenting citizens, events, reading the survey tables. */
import { eventRsvps, events } from "../../src/db/schema.ts";
import type { Harness } from "../helpers/harness.ts";

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
export function addEvent(h: Harness, input: { title: string; endsAtMs: number; officeKey?: string; rsvps?: [number, "yes" | "no"][]; status?: "scheduled" | "cancelled" }): number {
  const nowMs = h.clock.nowMs();
  const event = h.runtime.db!
    .insert(events)
    .values({ kind: "public_hearing", title: input.title, startsAtMs: input.endsAtMs - 2 * HOUR_MS, endsAtMs: input.endsAtMs, officeKey: input.officeKey ?? null, status: input.status ?? "scheduled", createdBy: "cli", createdAtMs: nowMs, updatedAtMs: nowMs })
    .returning()
    .get();
  for (const [citizenId, answer] of input.rsvps ?? []) h.runtime.db!.insert(eventRsvps).values({ eventId: event.id, citizenId, answer, createdAtMs: nowMs, updatedAtMs: nowMs }).run();
  return event.id;
}

export interface InvitationView {
  citizen: number;
  run: number;
  status: string;
  cancelReason: string | null;
}

export function invitations(h: Harness): InvitationView[] {
  return h.runtime.db!.$client.prepare("select citizen_id citizen, run_id run, status, cancel_reason cancelReason from survey_invitations order by id").all() as InvitationView[];
}

export function runs(h: Harness): { id: number; surveyId: string; trigger: string; eventId: number | null; officeKey: string | null; closedAtMs: number | null }[] {
  return h.runtime.db!.$client.prepare("select id, survey_id surveyId, trigger, event_id eventId, office_key officeKey, closed_at_ms closedAtMs from survey_runs order by id").all() as never;
}

/** Answers of every response, oldest first: `{ questionId: value }`. */
export function responseAnswers(h: Harness): Record<string, string | null>[] {
  const responses = h.runtime.db!.$client.prepare("select id from survey_responses order by id").all() as { id: number }[];
  const answers = h.runtime.db!.$client.prepare("select question_key k, value v from survey_answers where response_id = ? order by id");
  return responses.map((r) => Object.fromEntries((answers.all(r.id) as { k: string; v: string | null }[]).map((a) => [a.k, a.v])));
}

export function conversationOf(h: Harness, citizen: number): { flowId: string; stepId: string; data: string } | undefined {
  return h.runtime.db!.$client.prepare("select flow_id flowId, step_id stepId, data from conversations where citizen_id = ?").get(citizen) as never;
}

/** Runs `work` and returns what it wrote to stdout and stderr (the CLI commands print there). */
export function captureOutput(work: () => void): { stdout: string; stderr: string; error?: Error } {
  const out = { stdout: "", stderr: "" } as { stdout: string; stderr: string; error?: Error };
  const original = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
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
