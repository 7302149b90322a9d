import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.ts";
import { createTranslator } from "../../src/i18n/index.ts";
import { FLOWS_DIR } from "../../src/config/env.ts";
import { loadFlows } from "../../src/runtime-conversation.ts";

const translator = createTranslator();

describe("flow validation", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "rinde-flows-"));
    cpSync(FLOWS_DIR, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (file: string, from: string, to: string) => {
    const path = join(dir, file);
    const text = readFileSync(path, "utf8");
    if (!text.includes(from)) throw new Error(`'${from}' not in ${file}`);
    writeFileSync(path, text.replace(from, to));
  };
  const problems = (): string => {
    try {
      loadFlows(translator, dir);
      return "";
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
  };

  it("accepts the shipped flows", () => {
    expect(problems()).toBe("");
  });

  it("rejects an unknown step reference with file, flow, step and field", () => {
    edit("status.yaml", "on: { found: show,", "on: { found: shwo,");
    expect(problems()).toContain("status.yaml › status › lookup › on.found: unknown step 'shwo'");
  });

  it("rejects a reference to a step of an unknown flow", () => {
    edit("status.yaml", "    next: prompt\n", "    next: nowhere.prompt\n");
    expect(problems()).toContain("status.yaml › status › malformed › next: unknown step 'nowhere.prompt'");
  });

  it("rejects unreachable steps", () => {
    edit(
      "info.yaml",
      "    text: info.about\n",
      "    text: info.about\n  - id: orphan\n    type: message\n    text: info.about\n",
    );
    expect(problems()).toContain("info.yaml › info › orphan: unreachable step");
  });

  it("rejects unknown actions and unhandled or impossible results", () => {
    edit("mine.yaml", "action: question.list_mine", "action: question.list_all");
    expect(problems()).toContain("mine.yaml › mine › list › action: unknown action 'question.list_all'");
  });

  it("rejects a result the action never returns and results left unhandled", () => {
    edit("mine.yaml", "on: { some: show, none: empty }", "on: { some: show, maybe: empty }");
    const message = problems();
    expect(message).toContain("on.maybe: action 'question.list_mine' never returns 'maybe'");
    expect(message).toContain("results not handled: none");
  });

  it("rejects duplicate step ids and duplicate flow ids", () => {
    edit("help.yaml", "  - id: show\n", "  - id: show\n    type: message\n    text: help.text\n  - id: show\n");
    writeFileSync(join(dir, "help-copy.yaml"), readFileSync(join(dir, "info.yaml"), "utf8"));
    const message = problems();
    expect(message).toContain("help.yaml › help › show: duplicate step id");
    expect(message).toMatch(/(help-copy|info)\.yaml › info: duplicate flow id \(also in (info|help-copy)\.yaml\)/);
  });

  it("rejects locale keys missing in any language", () => {
    edit("help.yaml", "text: help.text", "text: help.texto");
    const message = problems();
    expect(message).toContain("help.yaml › help › show › text: locale key 'help.texto' missing in 'es'");
    expect(message).toContain("missing in 'en'");
  });

  it("rejects typos in field names and step types", () => {
    edit("help.yaml", "    text: help.text", "    txt: help.text");
    edit("info.yaml", "type: message", "type: mesage");
    const message = problems();
    expect(message).toMatch(/help\.yaml › steps › 0.*(txt|text)/);
    // info.yaml: steps 0 and 1 are actions (the public-site link, issue 15; the municipality's
    // accountability facts, issue 18), step 2 the message.
    expect(message).toMatch(/info\.yaml › steps › 2 › type/);
  });

  it("rejects loops that never wait for the citizen", () => {
    edit("help.yaml", "    text: help.text\n", "    text: help.text\n    next: show\n");
    expect(problems()).toContain("loop without waiting for the citizen");
  });

  it("rejects invalid YAML with the file name", () => {
    writeFileSync(join(dir, "broken.yaml"), "id: [unclosed\n");
    expect(problems()).toContain("broken.yaml: not valid YAML");
  });
});
