/** Named values kept between runs on PostgreSQL: the port of src/db/repositories/app-state.ts. */
import { eq } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { appState } from "../schema.ts";

/** `q` returns the executor of the current transaction, or the pool (src/db/postgres/store.ts). */
export function createPgAppStateRepo(q: () => PgDb): Port<SyncRepos["appState"]> {
  return {
    async get(key) {
      return (await q().select({ value: appState.value }).from(appState).where(eq(appState.key, key)).limit(1))[0]
        ?.value;
    },

    async set(key, value, nowMs) {
      await q()
        .insert(appState)
        .values({ key, value, updatedAtMs: nowMs })
        .onConflictDoUpdate({ target: appState.key, set: { value, updatedAtMs: nowMs } });
    },
  };
}
