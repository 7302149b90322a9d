import { describe, expect, it } from "vitest";
import { personalDataIn, possibleNames } from "../../src/core/transparency/personal-data.ts";

describe("personal data in an answer", () => {
  it("finds generic personal data", () => {
    expect(personalDataIn("Escríbanos a maria.perez@gmail.com.")).toEqual(["email"]);
    expect(personalDataIn("La llamamos al 300 123 4567 mañana.")).toEqual(["phone"]);
    expect(personalDataIn("Llame al +57 3001234567.")).toEqual(["phone"]);
    expect(personalDataIn("La línea es 601 555 1234.")).toEqual(["phone"]);
    expect(personalDataIn("Con la cédula 1098765432 reclama el subsidio.")).toEqual(["id_number"]);
    expect(personalDataIn("Con la C.C. 52.123.456 reclama el subsidio.")).toEqual(["id_number"]);
    expect(personalDataIn("El titular 79.456.123 ya está inscrito.")).toEqual(["id_number"]);
    expect(personalDataIn("Presente el documento No. 12345 en la ventanilla.")).toEqual(["id_number"]);
    expect(personalDataIn("Visitamos la carrera 12 # 8-20 el lunes.")).toEqual(["street_address"]);
    expect(personalDataIn("Visitamos la Calle 45 No. 12-30.")).toEqual(["street_address"]);
    expect(personalDataIn("Señora María, su solicitud fue aprobada.")).toEqual(["name"]);
    expect(personalDataIn("Estimado Jorge: la obra empieza en mayo.")).toEqual(["name"]);
  });

  it("leaves ordinary answers alone: dates, radicados, money, laws, streets without a house", () => {
    for (const text of [
      "Las obras del parque terminan en junio de 2026.",
      "Su radicado RC-2026-000123 fue respondido el 2026-03-12.",
      "El contrato cuesta $ 1.500.000.000 y se firmó por 250.000 pesos de anticipo.",
      "Según la Ley 1755 de 2015, artículo 14, y el Decreto 1077 de 2015.",
      "Arreglamos la calle 45 entre carreras 10 y 12 en la Comuna 1.",
      "Señor alcalde y secretarios: el 40 % del presupuesto está ejecutado.",
      "La Secretaría de Salud vacuna el sábado 14 de marzo de 8:00 a 12:00.",
      "El acceso 2 del documento CONPES 3918 explica la meta.",
    ]) {
      expect(personalDataIn(text), text).toEqual([]);
    }
  });

  it("finds what the asking citizen wrote about themselves and their chat number", () => {
    const known = {
      addresses: ["573001234567", "91827364"],
      texts: ["Soy Marta Liliana Rojas y el hueco frente a mi casa sigue sin arreglar. Gracias, Marta"],
      publicWords: ["Comuna 1 Centro", "Villa Esperanza"],
    };
    expect(personalDataIn("Rojas: el hueco se arregla la próxima semana.", known)).toEqual(["name"]);
    expect(personalDataIn("El hueco se arregla; le avisamos al 300-123-4567.", known)).toEqual([
      "phone",
      "chat_address",
    ]);
    expect(personalDataIn("Le escribimos al chat 91827364.", known)).toEqual(["id_number", "chat_address"]);
    expect(personalDataIn("El hueco del Centro se arregla la próxima semana.", known)).toEqual([]);
  });

  it("takes capitalised words that are not sentence starts, acronyms or public words as possible names", () => {
    expect(
      possibleNames("Soy Marta Liliana Rojas. Vivo en Villa Esperanza, comuna Centro; la EPS no responde.", [
        "Villa Esperanza",
      ]),
    ).toEqual(["Marta", "Liliana", "Rojas", "Centro"]);
    expect(possibleNames("Hola. ¿Cuándo abren la Secretaría?")).toEqual([]);
  });
});
