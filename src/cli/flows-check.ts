/** `npm run flows:check`: validates every flow against the actions and every locale, then exits. */
import { ConfigError } from "../config/errors.ts";
import { createTranslator } from "../i18n/index.ts";
import { FLOWS_DIR } from "../config/env.ts";
import { loadFlows } from "../runtime-conversation.ts";

try {
  const flowSet = loadFlows(createTranslator());
  const steps = [...flowSet.flows.values()].reduce((n, f) => n + f.steps.size, 0);
  process.stdout.write(
    `flows OK: ${flowSet.flows.size} flows, ${steps} steps, ${flowSet.commands.commands.length} global commands (${FLOWS_DIR})\n`,
  );
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
