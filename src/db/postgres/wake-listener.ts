/**
 * LISTEN/NOTIFY (issue 13): committed inserts of outbox rows and jobs notify channel `rinde_wake`
 * with `schema.table` (migration 0002_wake_notify), and each process listens on a connection of
 * its own, so a row queued by any process (another bot, the CLI, the web) is sent at once rather
 * than at the next poll. Polling stays the fallback: a lost connection is opened again after
 * `retryMs`, and the listener is then called once per table for what may have been missed.
 */
import pg from "pg";

export type WorkTable = "outbox" | "jobs";

export interface WakeListenerOptions {
  /** Real-time wait before reconnecting after the connection dropped. Default 2 s. */
  retryMs?: number;
  /** Told of each connection failure (the caller logs it); listening resumes by itself. */
  onError?: (error: Error) => void;
}

const CHANNEL = "rinde_wake";
const TABLES: readonly WorkTable[] = ["outbox", "jobs"];

/** Starts listening; resolves (after the first attempt to connect) to a function that stops it. */
export async function listenForWork(
  config: pg.ClientConfig,
  listener: (table: WorkTable) => void,
  options: WakeListenerOptions = {},
): Promise<() => Promise<void>> {
  const retryMs = options.retryMs ?? 2000;
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  function reconnectLater(): void {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect(true);
    }, retryMs);
    retry.unref();
  }

  async function connect(again: boolean): Promise<void> {
    const opened = new pg.Client({ ...config, keepAlive: true });
    const lost = (error?: Error) => {
      if (client !== opened) return;
      client = undefined;
      opened.end().catch(() => {});
      if (error) options.onError?.(error);
      reconnectLater();
    };
    opened.on("error", lost);
    opened.on("end", () => lost());
    try {
      await opened.connect();
      const { rows } = await opened.query<{ schema: string }>("select current_schema() as schema");
      const prefix = `${rows[0]!.schema}.`;
      opened.on("notification", (message) => {
        if (message.channel !== CHANNEL || !message.payload?.startsWith(prefix)) return;
        const table = message.payload.slice(prefix.length);
        if ((TABLES as readonly string[]).includes(table)) listener(table as WorkTable);
      });
      await opened.query(`listen ${CHANNEL}`);
      if (stopped) return void (await opened.end());
      client = opened;
      // Rows committed while nobody listened were not announced.
      if (again) for (const table of TABLES) listener(table);
    } catch (error) {
      opened.end().catch(() => {});
      options.onError?.(error as Error);
      reconnectLater();
    }
  }

  await connect(false);
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const closing = client;
    client = undefined;
    await closing?.end().catch(() => {});
  };
}
