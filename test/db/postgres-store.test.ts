/**
 * The PostgreSQL store (src/db/postgres/store.ts) on a real server: commit, rollback, savepoints,
 * two transactions in flight at once, and the migrations on open. Skipped without
 * RINDE_TEST_DATABASE_URL; runs in a schema of its own, dropped at the end.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_MIGRATIONS_FOLDER, openPostgres, type Postgres } from "../../src/db/postgres/client.ts";
import { createPgRepos } from "../../src/db/postgres/repositories/index.ts";
import { appState } from "../../src/db/postgres/schema.ts";
import { createPostgresStore, type PostgresStore } from "../../src/db/postgres/store.ts";
import { freshSchema, openFreshPostgres, postgresAvailable, url } from "../helpers/postgres.ts";

const journal = JSON.parse(readFileSync(join(POSTGRES_MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
  entries: unknown[];
};

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe.skipIf(!postgresAvailable)("PostgreSQL store", () => {
  let pg: Awaited<ReturnType<typeof openFreshPostgres>>;
  let store: PostgresStore;
  /** Another pool on the same schema: what a second process would see. */
  let other: Postgres;
  const secret = randomBytes(32);

  beforeAll(async () => {
    // Two connections at most: a transaction that leaked its connection would make later ones hang.
    pg = await openFreshPostgres({ max: 2 });
    store = createPostgresStore(pg, (q) => createPgRepos(q, { secret }));
    other = await pg.reopen();
  });

  afterAll(async () => {
    await pg?.close();
  });

  const seenByOther = async (key: string) =>
    (
      await other.db
        .select({ value: appState.value })
        .from(appState)
        .where(sql`${appState.key} = ${key}`)
    )[0]?.value;

  it("commits what the work wrote when it resolves, visible to another connection", async () => {
    const result = await store.withTransaction(async (tx) => {
      expect(store.inTransaction()).toBe(true);
      await tx.appState.set("commit", "yes", 1);
      expect(await seenByOther("commit")).toBeUndefined();
      return 42;
    });
    expect(result).toBe(42);
    expect(store.inTransaction()).toBe(false);
    expect(await seenByOther("commit")).toBe("yes");
    expect(await store.repos.appState.get("commit")).toBe("yes");
  });

  it("rolls back everything when the work throws, and passes the error on", async () => {
    const failure = new Error("boom");
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(
        store.withTransaction(async () => {
          // The store's repos, not the `tx` argument: the ambient transaction reaches them too.
          await store.repos.appState.set(`rollback-${attempt}`, "no", 1);
          expect(await store.repos.appState.get(`rollback-${attempt}`)).toBe("no");
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.repos.appState.get(`rollback-${attempt}`)).toBeUndefined();
    }
    // Five rollbacks on a pool of two: each gave its connection back.
    await store.withTransaction((tx) => tx.appState.set("after-rollbacks", "ok", 1));
    expect(await seenByOther("after-rollbacks")).toBe("ok");
  });

  it("makes a nested call a savepoint: its rollback keeps the outer transaction's writes", async () => {
    await store.withTransaction(async (tx) => {
      await tx.appState.set("outer-before", "kept", 1);
      await expect(
        store.withTransaction(async (inner) => {
          expect(store.inTransaction()).toBe(true);
          await inner.appState.set("inner", "dropped", 1);
          await inner.appState.set("outer-before", "overwritten", 2);
          throw new Error("inner fails");
        }),
      ).rejects.toThrow("inner fails");
      expect(await tx.appState.get("inner")).toBeUndefined();
      expect(await tx.appState.get("outer-before")).toBe("kept");
      await store.withTransaction((inner) => inner.appState.set("inner-ok", "kept", 1));
      await tx.appState.set("outer-after", "kept", 1);
    });
    expect(await seenByOther("outer-before")).toBe("kept");
    expect(await seenByOther("outer-after")).toBe("kept");
    expect(await seenByOther("inner-ok")).toBe("kept");
    expect(await seenByOther("inner")).toBeUndefined();
  });

  it("rolls back a nested savepoint's writes with the outer transaction", async () => {
    await expect(
      store.withTransaction(async (tx) => {
        await store.withTransaction((inner) => inner.appState.set("nested-then-outer-fails", "x", 1));
        expect(await tx.appState.get("nested-then-outer-fails")).toBe("x");
        throw new Error("outer fails");
      }),
    ).rejects.toThrow("outer fails");
    expect(await seenByOther("nested-then-outer-fails")).toBeUndefined();
  });

  it("keeps two concurrent transactions apart: neither sees the other's uncommitted rows", async () => {
    const firstWrote = deferred();
    const secondWrote = deferred();
    const firstChecked = deferred();
    // Neither commits before the test has looked from outside: a commit would show its row.
    const outsideChecked = deferred();
    const first = store.withTransaction(async (tx) => {
      await tx.appState.set("concurrent-1", "one", 1);
      firstWrote.resolve();
      await secondWrote.promise;
      const seen = await tx.appState.get("concurrent-2");
      firstChecked.resolve();
      await outsideChecked.promise;
      return seen;
    });
    const second = store.withTransaction(async (tx) => {
      await firstWrote.promise;
      const seen = await tx.appState.get("concurrent-1");
      await tx.appState.set("concurrent-2", "two", 1);
      secondWrote.resolve();
      await firstChecked.promise;
      await outsideChecked.promise;
      return seen;
    });
    // While both are open, autocommit reads through another pool see neither.
    await secondWrote.promise;
    expect(await seenByOther("concurrent-1")).toBeUndefined();
    expect(await seenByOther("concurrent-2")).toBeUndefined();
    outsideChecked.resolve();
    const [seenByFirst, seenBySecond] = await Promise.all([first, second]);
    expect(seenByFirst).toBeUndefined();
    expect(seenBySecond).toBeUndefined();
    expect(await seenByOther("concurrent-1")).toBe("one");
    expect(await seenByOther("concurrent-2")).toBe("two");
  });

  it("treats a task that outlives its transaction as outside any transaction", async () => {
    const committed = deferred();
    let detached: Promise<{ during: boolean; after: boolean; nested: string | undefined }> | undefined;
    await store.withTransaction(async (tx) => {
      await tx.appState.set("detached-outer", "yes", 1);
      detached = (async () => {
        const during = store.inTransaction();
        await committed.promise;
        const after = store.inTransaction();
        // Its own statement on the pool, not a query on the released connection.
        await store.repos.appState.set("detached-late", "yes", 1);
        const nested = await store.withTransaction(async (inner) => {
          await inner.appState.set("detached-own-tx", "yes", 1);
          return inner.appState.get("detached-outer");
        });
        return { during, after, nested };
      })();
    });
    committed.resolve();
    expect(await detached).toEqual({ during: true, after: false, nested: "yes" });
    expect(await seenByOther("detached-late")).toBe("yes");
    expect(await seenByOther("detached-own-tx")).toBe("yes");
  });

  it("outside a transaction, each call commits on its own", async () => {
    expect(store.inTransaction()).toBe(false);
    await store.repos.appState.set("autocommit", "yes", 1);
    expect(await seenByOther("autocommit")).toBe("yes");
  });

  it("reads counts (int8) as numbers", async () => {
    const [row] = (await pg.db.execute<{ n: number }>(sql`select count(*) as n from ${appState}`)).rows;
    expect(typeof row?.n).toBe("number");
    expect(row?.n).toBeGreaterThan(3);
  });

  it("applied every migration once, in its own schema, and reopening applies none again", async () => {
    const applied = async (handle: Postgres) =>
      Number((await handle.pool.query(`select count(*) as n from "${pg.schema}".__drizzle_migrations`)).rows[0].n);
    expect(journal.entries.length).toBeGreaterThan(0);
    expect(await applied(pg)).toBe(journal.entries.length);
    const again = await pg.reopen();
    expect(await applied(again)).toBe(journal.entries.length);
    // The data survived the reopen: nothing was recreated.
    expect(
      await again.db
        .select()
        .from(appState)
        .where(sql`${appState.key} = 'commit'`),
    ).toHaveLength(1);
    // Every table is in the test's schema, none in public.
    const tables = await pg.pool.query(
      "select table_schema, count(*) as n from information_schema.tables where table_name = 'outbox' group by 1",
    );
    expect(tables.rows.map((row: { table_schema: string }) => row.table_schema)).toContain(pg.schema);
  });
});

describe.skipIf(!postgresAvailable)("openPostgres", () => {
  it("migrates once when several processes open a new schema at the same time", async () => {
    const { schema, drop } = await freshSchema();
    try {
      const handles = await Promise.all([1, 2, 3].map(() => openPostgres(url!, { schema, max: 1 })));
      try {
        const rows = await handles[0]!.pool.query(`select count(*) as n from "${schema}".__drizzle_migrations`);
        expect(rows.rows[0].n).toBe(journal.entries.length);
      } finally {
        await Promise.all(handles.map((handle) => handle.close()));
      }
    } finally {
      await drop();
    }
  });

  it("refuses a schema name that is not a plain identifier", async () => {
    await expect(openPostgres(url!, { schema: 'x"; drop table y; --' })).rejects.toThrow(/schema name/);
  });
});
