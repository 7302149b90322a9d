/**
 * Every PostgreSQL repository over one executor (`q()`: the current transaction's, else the pool's;
 * the store decides, src/db/postgres/store.ts). The same keys as createSyncRepos
 * (src/db/repositories/index.ts), each implementing its port.
 */
import type { Repos } from "../../port.ts";
import type { PgDb } from "../client.ts";
import { createPgAnnouncementsRepo } from "./announcements.ts";
import { createPgAnswerTemplatesRepo } from "./answer-templates.ts";
import { createPgAppStateRepo } from "./app-state.ts";
import { createPgAttachmentsRepo } from "./attachments.ts";
import { createPgChannelPausesRepo } from "./channel-pauses.ts";
import { createPgChannelStateRepo } from "./channel-state.ts";
import { createPgChannelWindowsRepo } from "./channel-windows.ts";
import { createPgCitizensRepo } from "./citizens.ts";
import { createPgCommitmentsRepo } from "./commitments.ts";
import { createPgEventsRepo } from "./events.ts";
import { createPgInboundRepo } from "./inbound.ts";
import { createPgInboxRepo } from "./inbox.ts";
import { createPgInvitesRepo } from "./invites.ts";
import { createPgJobsRepo } from "./jobs.ts";
import { createPgOfficesRepo } from "./offices.ts";
import { createPgOfficialsRepo } from "./officials.ts";
import { createPgOutboxRepo } from "./outbox.ts";
import { createPgPlanRepo } from "./plan.ts";
import { createPgQuestionsRepo } from "./questions.ts";
import { createPgQuestionsReportRepo } from "./questions-report.ts";
import { createPgSentRefsRepo } from "./sent-refs.ts";
import { createPgStaffAuditRepo } from "./staff-audit.ts";
import { createPgStaffAuthRepo } from "./staff-auth.ts";
import { createPgStaffConversationsRepo } from "./staff-conversations.ts";
import { createPgSubscriptionsRepo } from "./subscriptions.ts";
import { createPgSurveysRepo } from "./surveys.ts";
import { createPgTransparencyRepo } from "./transparency.ts";
import { createPgWorkersRepo } from "./workers.ts";

export interface PgReposOptions {
  /** The installation's secret for keyed hashes of chat addresses and message ids (see src/db/client.ts). */
  secret: Buffer;
}

export function createPgRepos(q: () => PgDb, options: PgReposOptions) {
  return {
    announcements: createPgAnnouncementsRepo(q),
    answerTemplates: createPgAnswerTemplatesRepo(q),
    appState: createPgAppStateRepo(q),
    attachments: createPgAttachmentsRepo(q),
    channelPauses: createPgChannelPausesRepo(q),
    channelState: createPgChannelStateRepo(q),
    channelWindows: createPgChannelWindowsRepo(q, { secret: options.secret }),
    citizens: createPgCitizensRepo(q),
    commitments: createPgCommitmentsRepo(q),
    events: createPgEventsRepo(q),
    inbound: createPgInboundRepo(q, { secret: options.secret }),
    inbox: createPgInboxRepo(q),
    invites: createPgInvitesRepo(q),
    jobs: createPgJobsRepo(q),
    offices: createPgOfficesRepo(q),
    officials: createPgOfficialsRepo(q),
    outbox: createPgOutboxRepo(q),
    plan: createPgPlanRepo(q),
    questions: createPgQuestionsRepo(q),
    questionsReport: createPgQuestionsReportRepo(q),
    sentRefs: createPgSentRefsRepo(q),
    staffAudit: createPgStaffAuditRepo(q),
    staffAuth: createPgStaffAuthRepo(q),
    staffConversations: createPgStaffConversationsRepo(q),
    subscriptions: createPgSubscriptionsRepo(q),
    surveys: createPgSurveysRepo(q),
    transparency: createPgTransparencyRepo(q),
    workers: createPgWorkersRepo(q),
  } satisfies Repos;
}
