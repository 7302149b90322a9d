/**
 * The web server writes no per-request log lines: they would carry one-time sign-in tokens and the
 * words staff search for (personal data). Fastify 5 takes this through its LogController.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createWebServer } from "../../src/web/server.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";

describe("web server logs", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await h?.close();
  });

  it("logs no request line, token or search word even at debug level", async () => {
    h = await createHarness();
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(String(chunk));
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    });
    const server = await createWebServer({
      app: h.runtime.app,
      logger: { level: "debug" } as never,
      listenUrl: "http://127.0.0.1:3000",
    });
    try {
      await server.inject({ method: "GET", url: "/admin/acceso/TOKEN-SECRETO-123" });
      await server.inject({ method: "GET", url: "/admin/bandeja?q=palabra-buscada" });
      await server.inject({ method: "GET", url: "/" });
    } finally {
      await server.close();
    }
    const output = written.join("");
    expect(output).not.toContain("TOKEN-SECRETO-123");
    expect(output).not.toContain("palabra-buscada");
    expect(output).not.toMatch(/incoming request|request completed/);
  });
});
