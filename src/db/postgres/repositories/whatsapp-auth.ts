/**
 * Baileys' `AuthenticationState` on PostgreSQL: the port of src/db/repositories/whatsapp-auth.ts
 * (the specification). Same rows (`whatsapp_auth`: session, category, id) and the same values (JSON
 * written with Baileys' `BufferJSON`), so an auth state copied from SQLite (`rinde db copy`) opens
 * without a new pairing. Baileys awaits every key store call, so the store is async here; every
 * `keys.set` is one transaction, so a crash never leaves half a key batch.
 */
import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from "@whiskeysockets/baileys";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { PgDb } from "../client.ts";
import { whatsappAuth } from "../schema.ts";

/** The row holding the credentials; Signal key categories never use this name. */
const CREDS = "creds";
/** Ids per statement: rows written take 5 parameters each, well under PostgreSQL's 65,535. */
const CHUNK = 1000;

/** One loaded session: pass `state` to Baileys' socket as `auth`; Baileys mutates `creds` in place. */
export interface PgWhatsAppAuth {
  state: AuthenticationState;
  /** Writes the current `state.creds` (call on every `creds.update`, and await it). */
  saveCreds(): Promise<void>;
}

/** The SQLite repository's methods, async; `saveCreds` resolves once the credentials are stored. */
export interface PgWhatsAppAuthRepo {
  load(): Promise<PgWhatsAppAuth>;
  isPaired(): Promise<boolean>;
  clear(): Promise<void>;
}

function serialize(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

function revive<T>(json: string): T {
  return JSON.parse(json, BufferJSON.reviver) as T;
}

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) result.push(items.slice(i, i + CHUNK));
  return result;
}

/**
 * The auth store of one WhatsApp session (one paired number). `q` returns the executor of the
 * current transaction, or the pool (src/db/postgres/store.ts); `nowMs` stamps the rows.
 */
export function createPgWhatsAppAuthRepo(
  q: () => PgDb,
  options: { session?: string; nowMs: () => number },
): PgWhatsAppAuthRepo {
  const session = options.session ?? "default";
  const ofSession = eq(whatsappAuth.session, session);

  async function write(db: PgDb, rows: { category: string; id: string; value: unknown }[]): Promise<void> {
    const updatedAtMs = options.nowMs();
    for (const chunk of chunks(rows)) {
      await db
        .insert(whatsappAuth)
        .values(
          chunk.map((row) => ({
            session,
            category: row.category,
            id: row.id,
            value: serialize(row.value),
            updatedAtMs,
          })),
        )
        .onConflictDoUpdate({
          target: [whatsappAuth.session, whatsappAuth.category, whatsappAuth.id],
          set: { value: sql`excluded.value`, updatedAtMs: sql`excluded.updated_at_ms` },
        });
    }
  }

  const keys: SignalKeyStore = {
    /** The stored values of `ids`; ids without a value are absent from the result. */
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const chunk of chunks(ids)) {
        const rows = await q()
          .select({ id: whatsappAuth.id, value: whatsappAuth.value })
          .from(whatsappAuth)
          .where(and(ofSession, eq(whatsappAuth.category, type), inArray(whatsappAuth.id, chunk)));
        for (const row of rows) {
          const value = revive<SignalDataTypeMap[T]>(row.value);
          // As Baileys' own stores do: app-state keys are protobuf objects, not plain JSON.
          result[row.id] =
            type === "app-state-sync-key"
              ? (proto.Message.AppStateSyncKeyData.fromObject(value as object) as unknown as SignalDataTypeMap[T])
              : value;
        }
      }
      return result;
    },
    /** Writes every value of `data` in one transaction; `null` (or undefined) deletes the key. */
    async set(data: SignalDataSet) {
      const writes: { category: string; id: string; value: unknown }[] = [];
      const removals = new Map<string, string[]>();
      for (const [category, values] of Object.entries(data)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          if (value === null || value === undefined) removals.set(category, [...(removals.get(category) ?? []), id]);
          else writes.push({ category, id, value });
        }
      }
      if (writes.length === 0 && removals.size === 0) return;
      await q().transaction(async (tx) => {
        for (const [category, ids] of removals) {
          for (const chunk of chunks(ids)) {
            await tx
              .delete(whatsappAuth)
              .where(and(ofSession, eq(whatsappAuth.category, category), inArray(whatsappAuth.id, chunk)));
          }
        }
        await write(tx as PgDb, writes);
      });
    },
    /** Deletes every Signal key of the session (the credentials stay). */
    async clear() {
      await q()
        .delete(whatsappAuth)
        .where(and(ofSession, ne(whatsappAuth.category, CREDS)));
    },
  };

  async function storedCreds(): Promise<AuthenticationCreds | undefined> {
    const rows = await q()
      .select({ value: whatsappAuth.value })
      .from(whatsappAuth)
      .where(and(ofSession, eq(whatsappAuth.category, CREDS), eq(whatsappAuth.id, "")))
      .limit(1);
    return rows[0] ? revive<AuthenticationCreds>(rows[0].value) : undefined;
  }

  return {
    /**
     * The stored state, or fresh credentials for a new pairing when none are stored (saved on the
     * first `saveCreds`, as Baileys' file store does).
     */
    async load() {
      const creds = (await storedCreds()) ?? initAuthCreds();
      return { state: { creds, keys }, saveCreds: () => write(q(), [{ category: CREDS, id: "", value: creds }]) };
    },
    /** Whether a paired session is stored (the phone confirmed the link at least once). */
    async isPaired() {
      return (await storedCreds())?.me?.id !== undefined;
    },
    /** Deletes the session's credentials and keys (after a logout); the next `load` starts a new pairing. */
    async clear() {
      await q().delete(whatsappAuth).where(ofSession);
    },
  };
}
