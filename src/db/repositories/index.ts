import type { Db } from "../client.ts";
import { createAnnouncementsRepo } from "./announcements.ts";
import { createAnswerTemplatesRepo } from "./answer-templates.ts";
import { createAppStateRepo } from "./app-state.ts";
import { createAttachmentsRepo } from "./attachments.ts";
import { createChannelPausesRepo } from "./channel-pauses.ts";
import { createChannelStateRepo } from "./channel-state.ts";
import { createChannelWindowsRepo } from "./channel-windows.ts";
import { createCitizensRepo } from "./citizens.ts";
import { createCommitmentsRepo } from "./commitments.ts";
import { createEventsRepo } from "./events.ts";
import { createInboundRepo } from "./inbound.ts";
import { createInboxRepo } from "./inbox.ts";
import { createInvitesRepo } from "./invites.ts";
import { createJobsRepo } from "./jobs.ts";
import { createOfficesRepo } from "./offices.ts";
import { createOfficialsRepo } from "./officials.ts";
import { createOutboxRepo } from "./outbox.ts";
import { createPlanRepo } from "./plan.ts";
import { createQuestionsRepo } from "./questions.ts";
import { createQuestionsReportRepo } from "./questions-report.ts";
import { createSentRefsRepo } from "./sent-refs.ts";
import { createStaffAuditRepo } from "./staff-audit.ts";
import { createStaffAuthRepo } from "./staff-auth.ts";
import { createStaffConversationsRepo } from "./staff-conversations.ts";
import { createSubscriptionsRepo } from "./subscriptions.ts";
import { createSurveysRepo } from "./surveys.ts";
import { createTransparencyRepo } from "./transparency.ts";
import { createWorkersRepo } from "./workers.ts";

/**
 * Every SQLite repository over one database handle, synchronous; services use their ports
 * (../port.ts). Each is built (its statements prepared) when first used: a CLI command uses one or
 * two of them, and preparing all of them was a tenth of its start-up (issue 12, point 7).
 */
export function createSyncRepos(db: Db) {
  return lazyRecord({
    announcements: () => createAnnouncementsRepo(db),
    answerTemplates: () => createAnswerTemplatesRepo(db),
    appState: () => createAppStateRepo(db),
    attachments: () => createAttachmentsRepo(db),
    channelPauses: () => createChannelPausesRepo(db),
    channelState: () => createChannelStateRepo(db),
    channelWindows: () => createChannelWindowsRepo(db),
    citizens: () => createCitizensRepo(db),
    commitments: () => createCommitmentsRepo(db),
    events: () => createEventsRepo(db),
    inbound: () => createInboundRepo(db),
    inbox: () => createInboxRepo(db),
    invites: () => createInvitesRepo(db),
    jobs: () => createJobsRepo(db),
    offices: () => createOfficesRepo(db),
    officials: () => createOfficialsRepo(db),
    outbox: () => createOutboxRepo(db),
    plan: () => createPlanRepo(db),
    questions: () => createQuestionsRepo(db),
    questionsReport: () => createQuestionsReportRepo(db),
    sentRefs: () => createSentRefsRepo(db),
    staffAudit: () => createStaffAuditRepo(db),
    staffAuth: () => createStaffAuthRepo(db),
    staffConversations: () => createStaffConversationsRepo(db),
    subscriptions: () => createSubscriptionsRepo(db),
    surveys: () => createSurveysRepo(db),
    transparency: () => createTransparencyRepo(db),
    workers: () => createWorkersRepo(db),
  });
}

/**
 * An object whose property `k` is `factories[k]()`, computed on first read and then kept as a plain
 * property (later reads cost nothing more). Object.keys lists every property without building it.
 */
export function lazyRecord<T extends Record<string, unknown>>(factories: { [K in keyof T]: () => T[K] }): T {
  const record = {} as T;
  for (const key of Object.keys(factories) as (keyof T & string)[]) {
    Object.defineProperty(record, key, {
      enumerable: true,
      configurable: true,
      get() {
        const value = factories[key]();
        Object.defineProperty(record, key, { value, enumerable: true, configurable: true, writable: true });
        return value;
      },
    });
  }
  return record;
}

export type SyncRepos = ReturnType<typeof createSyncRepos>;
