/** The bot harness plus the back-office server on the same runtime, and officials to sign in with. */
import type { FastifyInstance } from "fastify";
import type { Role } from "../../src/core/authorization.ts";
import { createWebServer, type WebServerOptions } from "../../src/web/server.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { createWebClient, type WebClient } from "./web-client.ts";

export interface WebHarness extends Harness {
  server: FastifyInstance;
  /** Adds an official with a sign-in e-mail and a linked chat on the memory channel. */
  addOfficial(input: {
    name: string;
    role: Role;
    officeKey: string | null;
    email: string;
    address?: string;
  }): Promise<number>;
  /** Signs in by the link the bot sent to the official's chat; returns the client holding the session. */
  signIn(email: string, address: string): Promise<WebClient>;
}

export async function createWebHarness(
  options: {
    loginAttemptsPerMinute?: number;
    profile?: string;
    startMs?: number;
    /** More server options (file readers, a logger). */
    web?: Partial<WebServerOptions>;
  } = {},
): Promise<WebHarness> {
  const h = await createHarness({
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.startMs !== undefined ? { startMs: options.startMs } : {}),
  });
  const server = await createWebServer({
    app: h.runtime.app,
    onEffects: () => h.bot.dispatcher.wake(),
    loginAttemptsPerMinute: options.loginAttemptsPerMinute ?? 1000,
    listenUrl: "http://127.0.0.1:3000",
    surveyIds: () => h.runtime.surveys.keys(),
    surveys: () => h.runtime.surveys,
    ...options.web,
  });
  const close = h.close.bind(h);
  return Object.assign(h, {
    server,
    async addOfficial(input: { name: string; role: Role; officeKey: string | null; email: string; address?: string }) {
      const { repos, clock } = h.runtime.app;
      const official = await repos.officials.add(
        {
          name: input.name,
          officeKey: input.officeKey,
          role: input.role,
          channel: "memory",
          address: input.address ?? `chat-${input.email}`,
        },
        clock.nowMs(),
      );
      await repos.staffAuth.setAccount(official.id, { email: input.email });
      return official.id;
    },
    async signIn(email: string, address: string) {
      const client = createWebClient(server);
      await client.get("/admin/ingresar");
      await client.post("/admin/ingresar/enlace", { email });
      await h.bot.dispatcher.tick();
      const url = /http:\/\/127\.0\.0\.1:3000(\/admin\/acceso\/[A-Za-z0-9_-]+)/.exec(h.last(address))?.[1];
      if (!url) throw new Error(`no sign-in link in the chat of ${address}: ${h.last(address)}`);
      await client.get(url);
      const token = url.split("/").at(-1)!;
      const response = await client.post("/admin/acceso", { token });
      if (response.statusCode !== 303) throw new Error(`sign-in failed: ${response.statusCode}`);
      return client;
    },
    async close() {
      await server.close();
      await close();
    },
  }) as WebHarness;
}
