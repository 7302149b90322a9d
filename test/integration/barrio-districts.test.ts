/**
 * Issue 18, point 13: a citizen who knows their barrio or vereda but not their comuna types it and
 * the district is found (accents and small typos tolerated; several districts → asked).
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/env.ts";
import { loadProfile } from "../../src/config/profile.ts";
import { findDistrictsByPlace, normalizePlace } from "../../src/core/places.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { consentingCitizen } from "./events-helpers.ts";

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** From the main menu to "which comuna?" in the subscriptions menu. */
async function toDistrictChoice(address: string) {
  await consentingCitizen(h, address);
  await h.say(address, "eventos");
  await h.say(address, String(4)); // Recibir avisos / subscriptions
  const menu = await h.say(address, "3"); // by comuna or corregimiento
  expect(menu.at(-1)?.text).toContain("o el nombre de su barrio o vereda");
}

describe("finding the district from a barrio", () => {
  it("subscribes a Bucaramanga citizen to Comuna 4 by typing 'barrio la joya'", async () => {
    h = await createHarness({ profile: "bucaramanga" });
    await toDistrictChoice("ana");
    const [reply] = await h.say("ana", "barrio la joya");
    expect(reply?.text).toContain("La Joya queda en Comuna 4 Occidental.");
    const citizenId = (await h.runtime.app.repos.citizens.findContext("memory", "ana"))!.citizenId;
    expect(await h.runtime.app.repos.subscriptions.list(citizenId)).toEqual([
      expect.objectContaining({ kind: "district", key: "comuna-4" }),
    ]);
  });

  it("tolerates typos and missing accents", async () => {
    h = await createHarness({ profile: "bucaramanga" });
    await toDistrictChoice("ana");
    const [reply] = await h.say("ana", "campo hermozo");
    expect(reply?.text).toContain("Campo Hermoso queda en Comuna 4 Occidental.");
  });

  it("says so when the barrio is unknown and shows the list again", async () => {
    h = await createHarness();
    await toDistrictChoice("ana");
    const [reply] = await h.say("ana", "Barrio Inventado Lejano");
    expect(reply?.text).toContain("No encontramos «Barrio Inventado Lejano»");
    expect(reply?.options).toContain("Comuna 1 Centro");
  });

  it("asks which one when the name is in several districts", () => {
    const districts = [
      { key: "comuna-1", name: "Comuna 1", places: ["San José", "El Prado"] },
      { key: "comuna-5", name: "Comuna 5", places: ["San José Obrero", "El Prado"] },
    ];
    expect(findDistrictsByPlace(districts, "el prado").map((m) => m.districtKey)).toEqual(["comuna-1", "comuna-5"]);
    expect(findDistrictsByPlace(districts, "San Jose")).toEqual([{ districtKey: "comuna-1", place: "San José" }]);
    expect(findDistrictsByPlace(districts, "vereda xyz")).toEqual([]);
    expect(normalizePlace("  Barrio  San José ")).toBe("san jose");
  });

  it("every municipal profile names barrios or veredas for its districts", () => {
    for (const id of ["default", "bucaramanga", "pasto", "ibague", "cartagena"]) {
      const profile = loadProfile(join(PROJECT_ROOT, `src/config/profiles/${id}.yaml`));
      const urban = profile.districts.filter((d) => d.kind === "comuna" || d.kind === "localidad").length;
      expect(profile.districts.filter((d) => d.places.length > 0).length, id).toBeGreaterThanOrEqual(
        Math.min(4, urban),
      );
    }
  });
});
