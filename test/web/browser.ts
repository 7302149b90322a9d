/**
 * Headless Chromium for back-office end-to-end tests: Debian's `chromium` driven by playwright-core
 * (no download), axe-core evaluated in the page (through the DevTools protocol, so the page's CSP
 * stays on). The screenshots linked from the README (docs/screenshots/) are written only when
 * RINDE_SCREENSHOTS=1: encoding full-page PNGs cost seconds of every run and left the working tree
 * modified after each `npm test`; the checks made at each size run either way.
 *   RINDE_SCREENSHOTS=1 npx vitest run test/web/backoffice-browser.test.ts test/web/plan-pages.test.ts test/web/public-browser.test.ts
 */
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { PROJECT_ROOT } from "../../src/config/env.ts";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const SCREENSHOTS = join(PROJECT_ROOT, "docs/screenshots");
/** Whether this run saves the README's screenshots (RINDE_SCREENSHOTS=1). */
export const SAVE_SCREENSHOTS = process.env.RINDE_SCREENSHOTS === "1";

/** Saves a full-page screenshot of the page as docs/screenshots/<file> when SAVE_SCREENSHOTS. */
export async function saveScreenshot(page: Page, file: string): Promise<void> {
  if (SAVE_SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, file), fullPage: true });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the current page (WCAG 2.1 A/AA rules). */
export async function seriousViolations(page: Page): Promise<{ id: string; help: string; targets: string[] }[]> {
  await page.evaluate(AXE_SOURCE);
  // A string, not a function: the tests are type-checked without the DOM library.
  const violations = (await page.evaluate(
    `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }).then((r) => r.violations)`,
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

/** Lays the page out at desktop width and at 360 px (a small phone), saving each screenshot (see SAVE_SCREENSHOTS). */
export async function screenshots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await saveScreenshot(page, `${name}-desktop.png`);
  await page.setViewportSize({ width: 360, height: 740 });
  await saveScreenshot(page, `${name}-360.png`);
  // Nothing may overflow sideways on a phone.
  const overflow = (await page.evaluate(
    "document.documentElement.scrollWidth - document.documentElement.clientWidth",
  )) as number;
  await page.setViewportSize({ width: 1280, height: 800 });
  if (overflow > 0) throw new Error(`${name}: the page is ${overflow}px wider than a 360 px screen`);
}

/** A free TCP port on 127.0.0.1 (the server must know its own address for the links it sends). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
