import type { Db } from "../client.ts";
import { createCitizensRepo } from "./citizens.ts";
import { createInboundRepo } from "./inbound.ts";
import { createInvitesRepo } from "./invites.ts";
import { createOfficesRepo } from "./offices.ts";
import { createOfficialsRepo } from "./officials.ts";
import { createOutboxRepo } from "./outbox.ts";
import { createQuestionsRepo } from "./questions.ts";

/** Every repository over one database handle. */
export function createRepos(db: Db) {
  return {
    citizens: createCitizensRepo(db),
    inbound: createInboundRepo(db),
    invites: createInvitesRepo(db),
    offices: createOfficesRepo(db),
    officials: createOfficialsRepo(db),
    outbox: createOutboxRepo(db),
    questions: createQuestionsRepo(db),
  };
}

export type Repos = ReturnType<typeof createRepos>;
