import { describe, expect, it } from "vitest";
import { parseStaffCommand } from "../../src/core/staff-commands.ts";

describe("the sign-in link command", () => {
  it("reads the slash forms and the phrase of the sign-in page, in Spanish and English", () => {
    for (const text of [
      "/acceso",
      "/acceso@RindeBot",
      "/login",
      "Enviar enlace de acceso",
      "envíame un enlace de acceso",
      "enviar enlace de acceso.",
      "send sign-in link",
      "Send me a login link",
    ]) {
      expect(parseStaffCommand(text), text).toEqual({ ok: true, command: { kind: "sign_in_link" } });
    }
  });

  it("leaves ordinary words and sentences alone", () => {
    for (const text of ["acceso", "login", "No tengo acceso a la vía", "enviar enlace de acceso a todos los vecinos"]) {
      expect(parseStaffCommand(text), text).toEqual({ ok: false, error: "not_a_command" });
    }
  });
});
