/**
 * The WhatsApp auth state in the database: credentials and Signal keys round-trip (Buffers and
 * Uint8Arrays included) through a closed and reopened database, `keys.get/set` behave as Baileys
 * expects, writes are atomic, and a fresh Signal repository and a real Baileys socket accept the
 * reloaded state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addTransactionCapability,
  Curve,
  DEFAULT_CONNECTION_CONFIG,
  generateSignalPubKey,
  getNextPreKeys,
  initAuthCreds,
  makeCacheableSignalKeyStore,
  proto,
  type AuthenticationState,
  type SignalDataSet,
  type SignalKeyStore,
} from "@whiskeysockets/baileys";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBaileysSocketFactory } from "../../src/channels/whatsapp/socket.ts";
import { openDb, type Db } from "../../src/db/client.ts";
import { createWhatsAppAuthRepo } from "../../src/db/repositories/whatsapp-auth.ts";
import { silentLogger } from "../../src/logger.ts";
import { BAILEYS_ON_SQLITE, onPostgres, sqliteOnly } from "../helpers/storage.ts";

const NOW_MS = Date.UTC(2026, 2, 2, 15, 0, 0);
const ALICE = "573001112233@s.whatsapp.net";
const BOB = "573004445566@s.whatsapp.net";

describe.skipIf(onPostgres)(sqliteOnly("WhatsApp auth state in the database", BAILEYS_ON_SQLITE), () => {
  let dir: string;
  let db: Db;
  const reopen = () => {
    db.$client.close();
    db = openDb(join(dir, "rinde.db"));
    return createWhatsAppAuthRepo(db, { nowMs: () => NOW_MS });
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "rinde-wa-auth-"));
    db = openDb(join(dir, "rinde.db"));
  });
  afterEach(() => {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts a new pairing with fresh credentials, stored only when saved", () => {
    const repo = createWhatsAppAuthRepo(db, { nowMs: () => NOW_MS });
    const first = repo.load();
    expect(first.state.creds.registered).toBe(false);
    expect(first.state.creds.me).toBeUndefined();
    expect(count(db)).toBe(0);
    // Not saved: the next load makes other keys.
    expect(repo.load().state.creds.noiseKey.public).not.toEqual(first.state.creds.noiseKey.public);
    first.saveCreds();
    expect(count(db)).toBe(1);
    expect(repo.isPaired()).toBe(false);
  });

  it("round-trips the credentials with every binary field as bytes, through a reopened database", () => {
    const repo = createWhatsAppAuthRepo(db, { nowMs: () => NOW_MS });
    const { state, saveCreds } = repo.load();
    // What pairing adds (configureSuccessfulPairing) and what the server sends later.
    state.creds.me = { id: "573000000000:12@s.whatsapp.net", lid: "99887766@lid", name: "Alcaldía" };
    state.creds.account = {
      details: new Uint8Array([1, 2, 3, 250]),
      accountSignatureKey: new Uint8Array(32).fill(7),
      accountSignature: new Uint8Array(64).fill(9),
      deviceSignature: new Uint8Array(64).fill(4),
    };
    state.creds.signalIdentities = [
      {
        identifier: { name: "573000000000:12@s.whatsapp.net", deviceId: 0 },
        identifierKey: new Uint8Array(33).fill(5),
      },
    ];
    state.creds.routingInfo = Buffer.from([8, 8, 8, 0, 255]);
    state.creds.platform = "android";
    state.creds.processedHistoryMessages = [
      { key: { remoteJid: BOB, id: "ABC", fromMe: false }, messageTimestamp: 1_772_463_600 },
    ];
    saveCreds();
    const expected = structuredClone(state.creds);

    const loaded = reopen().load().state.creds;
    expect(toPlain(loaded)).toEqual(toPlain(expected));
    const binaries = [
      loaded.noiseKey.public,
      loaded.noiseKey.private,
      loaded.pairingEphemeralKeyPair.private,
      loaded.signedIdentityKey.public,
      loaded.signedPreKey.keyPair.private,
      loaded.signedPreKey.signature,
      loaded.account!.details!,
      loaded.account!.accountSignature!,
      loaded.signalIdentities![0]!.identifierKey,
      loaded.routingInfo!,
    ];
    for (const value of binaries) expect(Buffer.isBuffer(value)).toBe(true);
    expect([...loaded.routingInfo!]).toEqual([8, 8, 8, 0, 255]);
    expect(Buffer.from(loaded.signedPreKey.signature)).toEqual(Buffer.from(expected.signedPreKey.signature));
    // The signed pre-key still verifies with the identity key, as WhatsApp's server checks.
    expect(
      Curve.verify(
        loaded.signedIdentityKey.public,
        generateSignalPubKey(loaded.signedPreKey.keyPair.public),
        loaded.signedPreKey.signature,
      ),
    ).toBe(true);
    expect(createWhatsAppAuthRepo(db, { nowMs: () => NOW_MS }).isPaired()).toBe(true);
  });

  it("round-trips every Signal key type, returns only stored ids and deletes on null", async () => {
    const keys = createWhatsAppAuthRepo(db, { nowMs: () => NOW_MS }).load().state.keys;
    const data = sampleKeys();
    await keys.set(data);
    const reloaded = reopen().load().state.keys;
    for (const [type, values] of Object.entries(data) as [keyof SignalDataSet, Record<string, unknown>][]) {
      const got = await reloaded.get(type, [...Object.keys(values), "missing"]);
      expect(Object.keys(got).sort()).toEqual(Object.keys(values).sort());
      for (const [id, value] of Object.entries(values)) expect(toPlain(got[id])).toEqual(toPlain(value));
    }
    const { "1": preKey } = await reloaded.get("pre-key", ["1"]);
    expect(Buffer.isBuffer(preKey!.public) && Buffer.isBuffer(preKey!.private)).toBe(true);
    expect(Buffer.isBuffer((await reloaded.get("session", [ALICE + ".0"]))[ALICE + ".0"])).toBe(true);
    const syncKey = (await reloaded.get("app-state-sync-key", ["AAAAAQ=="]))["AAAAAQ=="]!;
    expect(syncKey).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.isBuffer(syncKey.keyData)).toBe(true);
    const version = (await reloaded.get("app-state-sync-version", ["regular"])).regular!;
    expect(Buffer.isBuffer(version.hash)).toBe(true);
    expect((await reloaded.get("sender-key-memory", ["120363000000000001@g.us"]))["120363000000000001@g.us"]).toEqual({
      [ALICE]: true,
    });

    await reloaded.set({ "pre-key": { "1": null, "3": undefined as never }, session: { [ALICE + ".0"]: null } });
    expect(await reloaded.get("pre-key", ["1", "2"])).toEqual({ "2": expect.anything() });
    expect(await reloaded.get("session", [ALICE + ".0"])).toEqual({});
    expect(await reloaded.get("pre-key", [])).toEqual({});
  });

  it("writes a key batch in one transaction: a failure keeps none of it", async () => {
    const keys = createWhatsAppAuthRepo(db, { nowMs: () => NOW_MS }).load().state.keys;
    await keys.set({ "pre-key": { "1": { public: Buffer.from([1]), private: Buffer.from([2]) } } });
    const bad = {
      "pre-key": { "1": null, "2": { public: Buffer.from([3]), private: Buffer.from([4]) } },
      "lid-mapping": { x: 10n as never },
    };
    expect(() => keys.set(bad)).toThrow();
    expect(Object.keys(await keys.get("pre-key", ["1", "2"]))).toEqual(["1"]);
  });

  it("reads large id lists in chunks and clears everything on logout", async () => {
    const repo = createWhatsAppAuthRepo(db, { nowMs: () => NOW_MS });
    const { state, saveCreds } = repo.load();
    saveCreds();
    const ids = Array.from({ length: 1200 }, (_, i) => String(i + 1));
    await state.keys.set({ "lid-mapping": Object.fromEntries(ids.map((id) => [id, `${id}@lid`])) });
    expect(Object.keys(await state.keys.get("lid-mapping", ids))).toHaveLength(1200);
    await state.keys.clear!();
    expect(count(db)).toBe(1); // keys gone, credentials kept
    repo.clear();
    expect(count(db)).toBe(0);
    expect(repo.isPaired()).toBe(false);
  });

  it("keeps a Signal session that a fresh repository (as a new socket builds it) continues after a restart", async () => {
    let repo = createWhatsAppAuthRepo(db, { nowMs: () => NOW_MS });
    const bob = signalParty({ creds: initAuthCreds(), keys: memoryKeys() });
    let alice = repo.load();
    // What the socket does on connect: generate pre-keys (a creds.update), then upload them.
    const { update, preKeys } = await getNextPreKeys(alice.state, 3);
    Object.assign(alice.state.creds, update);
    alice.saveCreds();
    const [preKeyId, preKey] = Object.entries(preKeys)[0]!;
    const { creds } = reopen().load().state;
    await bob.repo.injectE2ESession({
      jid: ALICE,
      session: {
        registrationId: creds.registrationId,
        identityKey: generateSignalPubKey(creds.signedIdentityKey.public),
        signedPreKey: {
          keyId: creds.signedPreKey.keyId,
          publicKey: generateSignalPubKey(creds.signedPreKey.keyPair.public),
          signature: creds.signedPreKey.signature,
        },
        preKey: { keyId: Number(preKeyId), publicKey: generateSignalPubKey(preKey.public) },
      },
    });

    repo = createWhatsAppAuthRepo(db, { nowMs: () => NOW_MS });
    alice = repo.load();
    const first = await bob.repo.encryptMessage({ jid: ALICE, data: Buffer.from("hola 1") });
    expect(first.type).toBe("pkmsg");
    expect(text(await signalParty(alice.state).repo.decryptMessage({ jid: BOB, ...first }))).toBe("hola 1");
    // The one-time pre-key is consumed: only the session can decrypt what follows.
    expect(Object.keys(await alice.state.keys.get("pre-key", [preKeyId]))).toEqual([]);

    // Restart: a new database handle, a new auth state, a new Signal repository.
    alice = reopen().load();
    const second = await bob.repo.encryptMessage({ jid: ALICE, data: Buffer.from("hola 2") });
    const aliceAfterRestart = signalParty(alice.state);
    expect(text(await aliceAfterRestart.repo.decryptMessage({ jid: BOB, ...second }))).toBe("hola 2");
    const reply = await aliceAfterRestart.repo.encryptMessage({ jid: BOB, data: Buffer.from("respuesta") });
    expect(reply.type).toBe("msg");
    expect(text(await bob.repo.decryptMessage({ jid: ALICE, ...reply }))).toBe("respuesta");

    alice = reopen().load();
    const third = await bob.repo.encryptMessage({ jid: ALICE, data: Buffer.from("hola 3") });
    expect(third.type).toBe("msg");
    expect(text(await signalParty(alice.state).repo.decryptMessage({ jid: BOB, ...third }))).toBe("hola 3");
  });

  it("lets a real Baileys socket start from the stored state (connecting to a local port that hangs up)", async () => {
    const repo = createWhatsAppAuthRepo(db, { nowMs: () => NOW_MS });
    const stored = repo.load();
    stored.saveCreds();
    const server = await hangingUpServer();
    try {
      const port = (server.address() as { port: number }).port;
      const socket = createBaileysSocketFactory({
        logger: silentLogger,
        waWebSocketUrl: `ws://127.0.0.1:${port}/ws/chat`,
      })(reopen().load().state);
      const states: string[] = [];
      await new Promise<void>((resolve) =>
        socket.ev.on("connection.update", (update) => {
          if (update.connection) states.push(update.connection);
          if (update.connection === "close") resolve();
        }),
      );
      await socket.end(undefined);
      expect(states).toEqual(["connecting", "close"]);
    } finally {
      server.close();
    }
  });
});

function count(db: Db): number {
  return (db.$client.prepare("select count(*) n from whatsapp_auth").get() as { n: number }).n;
}

/** Buffers and Uint8Arrays as plain byte arrays, so deep equality compares bytes, not classes. */
function toPlain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      v instanceof Uint8Array
        ? { bytes: [...v] }
        : (v as { type?: string })?.type === "Buffer"
          ? { bytes: (v as { data: number[] }).data }
          : v,
    ),
  );
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("utf8");
}

function sampleKeys(): SignalDataSet {
  return {
    "pre-key": {
      "1": { public: Buffer.alloc(32, 1), private: Buffer.alloc(32, 2) },
      "2": { public: new Uint8Array(32).fill(3), private: new Uint8Array(32).fill(4) },
    },
    session: { [ALICE + ".0"]: new Uint8Array([10, 20, 30, 0, 255]) },
    "sender-key": { "120363000000000001@g.us::573001112233::0": Buffer.from("sender-key-record") },
    "sender-key-memory": { "120363000000000001@g.us": { [ALICE]: true } },
    "app-state-sync-key": {
      "AAAAAQ==": proto.Message.AppStateSyncKeyData.fromObject({
        keyData: Buffer.alloc(32, 6),
        fingerprint: { rawId: 7, currentIndex: 1, deviceIndexes: [0, 1] },
        timestamp: 1_772_463_600,
      }),
    },
    "app-state-sync-version": {
      regular: {
        version: 3,
        hash: Buffer.alloc(128, 9),
        indexValueMap: { "aW5kZXg=": { valueMac: Buffer.alloc(32, 1) } },
      },
    },
    "lid-mapping": { "573001112233": "99887766@lid", "99887766_reverse": "573001112233" },
    "device-list": { "573001112233": ["0", "12"] },
    tctoken: { [ALICE]: { token: Buffer.from([1, 2, 3]), timestamp: "1772463600" } },
    "identity-key": { [ALICE + ".0"]: new Uint8Array(33).fill(5) },
  };
}

/** A key store in memory, for the other party of a Signal conversation. */
function memoryKeys(): SignalKeyStore {
  const data: Record<string, Record<string, unknown>> = {};
  return {
    get: (type, ids) =>
      Object.fromEntries(ids.filter((id) => data[type]?.[id] != null).map((id) => [id, data[type]![id]])) as never,
    set: (set) => {
      for (const [type, values] of Object.entries(set)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          data[type] ??= {};
          if (value == null) delete data[type][id];
          else data[type][id] = value;
        }
      }
    },
  };
}

/** The Signal repository a socket builds over an auth state (same wrappers as makeWASocket). */
function signalParty(state: AuthenticationState) {
  const keys = addTransactionCapability(makeCacheableSignalKeyStore(state.keys, silentLogger), silentLogger, {
    maxCommitRetries: 1,
    delayBetweenTriesMs: 1,
  });
  return { repo: DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ creds: state.creds, keys }, silentLogger) };
}

/** A TCP server on 127.0.0.1 that closes every connection: a socket's connect attempt fails fast, offline. */
async function hangingUpServer(): Promise<Server> {
  const server = createServer((connection) => connection.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}
