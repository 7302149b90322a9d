/**
 * Channel status on Administración (issue 14): the status fragment htmx polls, and the WhatsApp
 * pairing QR drawn as SVG on the server (`qrcode`), admins only, never cached. The page works
 * without JavaScript: it carries a refresh link.
 */
import type { FastifyInstance } from "fastify";
import QRCode from "qrcode";
import { channelStatus, whatsappPairingQr } from "../../services/backoffice/channel-status.ts";
import { renderView } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

export function registerChannelStatusRoutes(admin: FastifyInstance, deps: WebDeps): void {
  const { app } = deps;

  admin.get("/administracion/canales", async (request, reply) => {
    const status = await channelStatus(app, staffOf(request).actor);
    if (!status.ok) return reply.code(403).header("cache-control", "no-store").send();
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(renderView(request, reply, deps, "partials/channel-status", { channels: status.channels }));
  });

  admin.get("/administracion/whatsapp/qr.svg", async (request, reply) => {
    const outcome = await whatsappPairingQr(app, staffOf(request).actor);
    reply.header("cache-control", "no-store");
    if (!outcome.ok) return reply.code(outcome.error === "not_allowed" ? 403 : 404).send();
    const svg = await QRCode.toString(outcome.qr, { type: "svg" });
    return reply.type("image/svg+xml").send(svg);
  });
}
