/** Named values kept between runs (`app_state`), e.g. the fingerprint of the calendar in force. */
import { eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { appState } from "../schema.ts";

export function createAppStateRepo(db: Db) {
  return {
    get(key: string): string | undefined {
      return db.select({ value: appState.value }).from(appState).where(eq(appState.key, key)).get()?.value;
    },
    set(key: string, value: string, nowMs: number): void {
      db.insert(appState)
        .values({ key, value, updatedAtMs: nowMs })
        .onConflictDoUpdate({ target: appState.key, set: { value, updatedAtMs: nowMs } })
        .run();
    },
  };
}

export type AppStateRepo = ReturnType<typeof createAppStateRepo>;
