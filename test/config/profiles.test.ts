import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { ConfigError } from "../../src/config/errors.ts";
import { OFFICE_CATEGORIES, loadProfile, type Profile } from "../../src/config/profile.ts";

const PROFILES_DIR = resolve(import.meta.dirname, "../../src/config/profiles");
const profileFiles = readdirSync(PROFILES_DIR)
  .filter((name) => name.endsWith(".yaml") || name.endsWith(".yml"))
  .sort();

function load(file: string): Profile {
  return loadProfile(join(PROFILES_DIR, file));
}

describe("shipped municipality profiles", () => {
  it("include the demo profile and the four seed municipalities", () => {
    expect(profileFiles).toEqual(
      expect.arrayContaining(["default.yaml", "bucaramanga.yaml", "pasto.yaml", "ibague.yaml", "cartagena.yaml"]),
    );
  });

  describe.each(profileFiles)("%s", (file) => {
    it("loads and validates", () => {
      const profile = load(file);
      expect(profile.source).toBe(join(PROFILES_DIR, file));
      expect(profile.offices.length).toBeGreaterThan(0);
    });

    it("covers every reference office category", () => {
      const covered = new Set(load(file).offices.map((o) => o.category));
      const missing = OFFICE_CATEGORIES.filter((c) => !covered.has(c));
      expect(missing).toEqual([]);
    });

    it("has unique office keys", () => {
      const keys = load(file).offices.map((o) => o.key);
      expect(new Set(keys).size).toBe(keys.length);
    });

    it("falls back to an atención al ciudadano office", () => {
      const profile = load(file);
      const fallback = profile.offices.find((o) => o.key === profile.routing.fallbackOffice);
      expect(fallback?.category).toBe("atencion_ciudadano");
    });

    it("uses the legal terms of Ley 1755 de 2015 and Ley 1757 de 2015", () => {
      expect(load(file).requestTypes).toEqual({
        general: { termBusinessDays: 15 },
        information: { termBusinessDays: 10 },
        consultation: { termBusinessDays: 30 },
        dialogue: { termBusinessDays: 15 },
      });
    });

    it("gives each office 10–20 keywords and 3–6 example questions", () => {
      for (const office of load(file).offices) {
        expect(office.keywords.length, `${office.key} keywords`).toBeGreaterThanOrEqual(10);
        expect(office.keywords.length, `${office.key} keywords`).toBeLessThanOrEqual(20);
        expect(office.examples.length, `${office.key} examples`).toBeGreaterThanOrEqual(3);
        expect(office.examples.length, `${office.key} examples`).toBeLessThanOrEqual(6);
      }
    });

    it("lists districts and a data notice without placeholders", () => {
      const profile = load(file);
      expect(profile.districts.length).toBeGreaterThan(0);
      expect(profile.dataNotice.version).toBe("2026-01");
      expect(JSON.stringify(profile.dataNotice)).not.toMatch(/xxx|TODO|<|>/i);
    });
  });

  it("default profile has exactly one office per category, keyed by the category", () => {
    const profile = load("default.yaml");
    expect(profile.offices.map((o) => o.key).sort()).toEqual([...OFFICE_CATEGORIES].sort());
    for (const office of profile.offices) expect(office.key).toBe(office.category);
  });

  it("seed profiles list the districts the plans name", () => {
    const count = (file: string, kind: string) => load(file).districts.filter((d) => d.kind === kind).length;
    expect([count("bucaramanga.yaml", "comuna"), count("bucaramanga.yaml", "corregimiento")]).toEqual([17, 3]);
    expect([count("pasto.yaml", "comuna"), count("pasto.yaml", "corregimiento")]).toEqual([12, 17]);
    expect([count("ibague.yaml", "comuna"), count("ibague.yaml", "corregimiento")]).toEqual([13, 17]);
    expect(count("cartagena.yaml", "localidad")).toBe(3);
  });
});

describe("a broken profile", () => {
  const tempDir = mkdtempSync(join(tmpdir(), "rinde-profiles-"));
  afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

  // A YAML document the tests break on purpose, at any depth.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Doc = Record<string, any>;
  const baseDoc = (): Doc => parseYaml(readFileSync(join(PROFILES_DIR, "default.yaml"), "utf8")) as Doc;

  function writeBroken(name: string, mutate: (doc: Doc) => void): string {
    const doc = baseDoc();
    mutate(doc);
    const path = join(tempDir, name);
    writeFileSync(path, stringifyYaml(doc));
    return path;
  }

  function expectConfigError(path: string, ...fragments: string[]): ConfigError {
    let caught: unknown;
    try {
      loadProfile(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.message).toContain(path);
    for (const fragment of fragments) expect(error.message).toContain(fragment);
    return error;
  }

  it("rejects an unknown office category, naming file and path", () => {
    const path = writeBroken("unknown-category.yaml", (doc) => {
      doc.offices[2].category = "deportes";
    });
    const error = expectConfigError(path, `${path} › offices › 2 › category:`);
    expect(error.code).toBe("profile_invalid");
  });

  it("rejects a duplicate office key", () => {
    const path = writeBroken("duplicate-key.yaml", (doc) => {
      doc.offices[3].key = doc.offices[0].key;
    });
    expectConfigError(path, `${path} › offices › 3 › key:`, "duplicate office key 'atencion_ciudadano'");
  });

  it("rejects a malformed clock time", () => {
    const path = writeBroken("bad-time.yaml", (doc) => {
      doc.officeHours.start = "8:00";
    });
    expectConfigError(path, `${path} › officeHours › start:`, "HH:MM");
  });

  it("rejects a misspelt office field", () => {
    const path = writeBroken("typo-office-field.yaml", (doc) => {
      doc.offices[1].keyword = doc.offices[1].keywords;
      delete doc.offices[1].keywords;
    });
    expectConfigError(path, `${path} › offices › 1:`, '"keyword"');
  });

  it("rejects a misspelt top-level field", () => {
    const path = writeBroken("typo-top-level.yaml", (doc) => {
      doc.distrits = doc.districts;
      delete doc.districts;
    });
    expectConfigError(path, `${path}: `, '"distrits"');
  });

  it("rejects a fallback office that does not exist", () => {
    const path = writeBroken("unknown-fallback.yaml", (doc) => {
      doc.routing.fallbackOffice = "ventanilla";
    });
    expectConfigError(path, `${path} › routing › fallbackOffice:`, "unknown office 'ventanilla'");
  });

  it("reports invalid YAML and a missing file as ConfigError", () => {
    const badYaml = join(tempDir, "not-yaml.yaml");
    writeFileSync(badYaml, "offices: [\n  - key: salud\n");
    expect(expectConfigError(badYaml, "not valid YAML").code).toBe("profile_yaml");

    const missing = join(tempDir, "does-not-exist.yaml");
    expect(expectConfigError(missing).code).toBe("profile_missing");
  });
});
