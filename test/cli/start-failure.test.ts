/**
 * What `npm start` prints when it cannot start (src/start-failure.ts): one line in the staff's
 * language, never a stack trace unless RINDE_DEBUG=1 asks for it.
 */
import { describe, expect, it } from "vitest";
import { startFailureLines } from "../../src/start-failure.ts";

const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5999"), { code: "ECONNREFUSED" });

describe("npm start on an error it cannot recover from", () => {
  it("names an unreachable PostgreSQL server in Spanish, without the password, in one line", () => {
    const lines = startFailureLines(refused, { DATABASE_URL: "postgres://rinde:secreto@127.0.0.1:5999/rinde" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Rinde: No se pudo conectar con PostgreSQL en postgres:\/\/rinde@127\.0\.0\.1:5999\/rinde \(ECONNREFUSED\)/,
    );
    expect(lines[0]).not.toContain("secreto");
  });

  it("speaks English with RINDE_LANG=en", () => {
    const [line] = startFailureLines(refused, { DATABASE_URL: "postgres://127.0.0.1:5999/rinde", RINDE_LANG: "en" });
    expect(line).toMatch(/^Rinde: Could not connect to PostgreSQL at /);
  });

  it("prints any other error as one line with its code, and the stack only with RINDE_DEBUG=1", () => {
    const error = Object.assign(new Error("unable to open database file\nmore"), { code: "SQLITE_CANTOPEN" });
    const lines = startFailureLines(error, { RINDE_DB: "/srv/rinde/rinde.db" });
    expect(lines).toEqual([
      "Rinde: error inesperado (SQLITE_CANTOPEN: unable to open database file). No se cambió nada más. Con RINDE_DEBUG=1 verá el detalle técnico.",
    ]);
    const debug = startFailureLines(error, { RINDE_DB: "/srv/rinde/rinde.db", RINDE_DEBUG: "1" });
    expect(debug).toHaveLength(2);
    expect(debug[1]).toContain("start-failure.test.ts");
  });
});
