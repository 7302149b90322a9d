/** `/acceso` ("enviar enlace de acceso") in a chat: a one-time back-office link to the official's own chat (issue 14). */
import { sqlRows } from "../helpers/storage.ts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashSecret } from "../../src/services/backoffice/auth.ts";
import { createWebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

const LINK = /http:\/\/127\.0\.0\.1:3000\/admin\/acceso\/([A-Za-z0-9_-]{43})/;

describe("sign-in link requested from the chat", () => {
  let h: WebHarness;
  let anaId: number;
  beforeEach(async () => {
    h = await createWebHarness();
    anaId = await h.addOfficial({
      name: "Ana Funcionaria",
      role: "official",
      officeKey: "infraestructura",
      email: "ana@x.co",
      address: "ana-chat",
    });
  });
  afterEach(async () => {
    await h.close();
  });

  const linkIn = (address: string) =>
    LINK.exec(
      h.channel
        .to(address)
        .map((m) => m.text)
        .join("\n"),
    )?.[1];
  const tokens = async () =>
    await sqlRows<{ token_hash: string; official_id: number; ttl: number }>(
      h.runtime,
      "select token_hash, official_id, expires_at_ms - created_at_ms ttl from staff_login_tokens where purpose = 'login'",
    );

  it("sends a 10-minute link that signs in once, stored only as a hash", async () => {
    const replies = await h.say("ana-chat", "Enviar enlace de acceso");
    expect(replies.map((m) => m.text).join("\n")).toContain("le envié su enlace de acceso");
    await h.bot.dispatcher.tick();
    const token = linkIn("ana-chat");
    expect(token).toBeTruthy();
    expect(await tokens()).toEqual([{ token_hash: hashSecret(token!), official_id: anaId, ttl: 600_000 }]);
    const client = createWebClient(h.server);
    await client.get(`/admin/acceso/${token}`);
    expect((await client.post("/admin/acceso", { token: token! })).statusCode).toBe(303);
    expect((await client.get("/admin/bandeja")).statusCode).toBe(200);
    // Used once: a second browser with the same link is refused.
    const other = createWebClient(h.server);
    await other.get(`/admin/acceso/${token}`);
    expect(other.lastHtml).toContain("ya se usó");
  });

  it("refuses an expired link", async () => {
    await h.say("ana-chat", "/acceso");
    await h.bot.dispatcher.tick();
    const token = linkIn("ana-chat")!;
    h.clock.advanceMs(10 * 60_000 + 1);
    const client = createWebClient(h.server);
    await client.get(`/admin/acceso/${token}`);
    expect(client.lastHtml).toContain("ya venció");
  });

  it("sends the link to the official's private chat, never to the group where it was asked", async () => {
    await h.addOfficial({
      name: "Jefa",
      role: "head",
      officeKey: "infraestructura",
      email: "jefa@x.co",
      address: "jefa",
    });
    await h.say("grupo", "/vincular_grupo infraestructura", { chatKind: "group", senderId: "jefa" });
    const [reply] = await h.say("grupo", "/acceso", { chatKind: "group", senderId: "ana-chat" });
    expect(reply?.text).toContain("a su chat privado");
    await h.bot.dispatcher.tick();
    expect(linkIn("grupo")).toBeUndefined();
    expect(linkIn("ana-chat")).toBeTruthy();
  });

  it("refuses politely who is not staff, and an account that must use its password; nothing is issued", async () => {
    const [citizen] = await h.say("vecino", "/acceso");
    expect(citizen?.text).toContain("solo para funcionarios");
    await h.runtime.app.repos.staffAuth.setAccount(anaId, { passwordRequired: true });
    await h.runtime.app.repos.staffAuth.setPassword(anaId, "scrypt$x");
    const [ana] = await h.say("ana-chat", "/acceso");
    expect(ana?.text).toContain("con correo y contraseña");
    expect(ana?.text).toContain("http://127.0.0.1:3000/admin/ingresar");
    await h.bot.dispatcher.tick();
    expect(await tokens()).toEqual([]);
    expect(linkIn("vecino")).toBeUndefined();
    const audit = await sqlRows(
      h.runtime,
      "select outcome, via, cast(after as text) after from staff_audit where action = 'auth.link_requested'",
    );
    expect(audit.map((a) => ({ ...a, after: JSON.parse(String(a.after)) }))).toEqual([
      { outcome: "refused", via: "chat", after: { reason: "password_required" } },
    ]);
  });

  it("is a word an official may write in a group without asking for a link", async () => {
    await h.addOfficial({
      name: "Jefa",
      role: "head",
      officeKey: "infraestructura",
      email: "jefa@x.co",
      address: "jefa",
    });
    await h.say("grupo", "/vincular_grupo infraestructura", { chatKind: "group", senderId: "jefa" });
    expect(await h.say("grupo", "acceso", { chatKind: "group", senderId: "ana-chat" })).toEqual([]);
    expect(await tokens()).toEqual([]);
  });
});
