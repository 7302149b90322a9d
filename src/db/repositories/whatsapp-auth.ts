/**
 * Baileys' `AuthenticationState` over the database (table `whatsapp_auth`), as Baileys'
 * `use-multi-file-auth-state.ts` recommends for anything beyond a toy bot: the credentials and the
 * Signal keys survive a restart without a new pairing, and every `keys.set` is one transaction, so
 * a crash never leaves half a key batch (Baileys' own `addTransactionCapability` commits its
 * buffered writes through one `set`). Values are JSON written with Baileys' `BufferJSON`, so
 * Buffers and Uint8Arrays come back as Buffers.
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
import { and, eq, inArray, ne } from "drizzle-orm";
import { inTransaction, type Db } from "../client.ts";
import { whatsappAuth } from "../schema.ts";

/** The row holding the credentials; Signal key categories never use this name. */
const CREDS = "creds";
/** Rows read per query, well under SQLite's bound-parameter limit. */
const GET_CHUNK = 500;

export interface WhatsAppAuth {
  /** Pass to Baileys' socket as `auth`; Baileys mutates `creds` in place. */
  state: AuthenticationState;
  /** Writes the current `state.creds` (call on every `creds.update`). */
  saveCreds(): void;
}

function serialize(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

function revive<T>(json: string): T {
  return JSON.parse(json, BufferJSON.reviver) as T;
}

/**
 * The auth store of one WhatsApp session (one paired number) in `db`. `nowMs` stamps the rows.
 * Synchronous underneath (better-sqlite3); Baileys accepts plain values where it awaits.
 */
export function createWhatsAppAuthRepo(db: Db, options: { session?: string; nowMs: () => number }) {
  const session = options.session ?? "default";
  const ofSession = eq(whatsappAuth.session, session);

  function write(category: string, id: string, value: unknown): void {
    const row = { value: serialize(value), updatedAtMs: options.nowMs() };
    db.insert(whatsappAuth)
      .values({ session, category, id, ...row })
      .onConflictDoUpdate({ target: [whatsappAuth.session, whatsappAuth.category, whatsappAuth.id], set: row })
      .run();
  }

  function remove(category: string, id: string): void {
    db.delete(whatsappAuth)
      .where(and(ofSession, eq(whatsappAuth.category, category), eq(whatsappAuth.id, id)))
      .run();
  }

  const keys: SignalKeyStore = {
    /** The stored values of `ids`; ids without a value are absent from the result. */
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      for (let i = 0; i < ids.length; i += GET_CHUNK) {
        const rows = db
          .select({ id: whatsappAuth.id, value: whatsappAuth.value })
          .from(whatsappAuth)
          .where(and(ofSession, eq(whatsappAuth.category, type), inArray(whatsappAuth.id, ids.slice(i, i + GET_CHUNK))))
          .all();
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
    set(data: SignalDataSet) {
      inTransaction(db, () => {
        for (const [category, values] of Object.entries(data)) {
          for (const [id, value] of Object.entries(values ?? {})) {
            if (value === null || value === undefined) remove(category, id);
            else write(category, id, value);
          }
        }
      });
    },
    /** Deletes every Signal key of the session (the credentials stay). */
    clear() {
      db.delete(whatsappAuth)
        .where(and(ofSession, ne(whatsappAuth.category, CREDS)))
        .run();
    },
  };

  function storedCreds(): AuthenticationCreds | undefined {
    const row = db
      .select({ value: whatsappAuth.value })
      .from(whatsappAuth)
      .where(and(ofSession, eq(whatsappAuth.category, CREDS), eq(whatsappAuth.id, "")))
      .get();
    return row ? revive<AuthenticationCreds>(row.value) : undefined;
  }

  return {
    /**
     * The stored state, or fresh credentials for a new pairing when none are stored (saved on the
     * first `saveCreds`, as Baileys' file store does).
     */
    load(): WhatsAppAuth {
      const creds = storedCreds() ?? initAuthCreds();
      return { state: { creds, keys }, saveCreds: () => write(CREDS, "", creds) };
    },
    /** Whether a paired session is stored (the phone confirmed the link at least once). */
    isPaired(): boolean {
      return storedCreds()?.me?.id !== undefined;
    },
    /** Deletes the session's credentials and keys (after a logout); the next `load` starts a new pairing. */
    clear(): void {
      db.delete(whatsappAuth).where(ofSession).run();
    },
  };
}

export type WhatsAppAuthRepo = ReturnType<typeof createWhatsAppAuthRepo>;
