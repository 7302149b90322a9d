/** The `rinde` process (bin/rinde.mjs, `npm run rinde`): runs one command, prints a failure and exits non-zero. */
import { describeCliError, runCli } from "./index.ts";

try {
  await runCli(process.argv.slice(2));
} catch (error) {
  const { message, exitCode } = describeCliError(error);
  process.stderr.write(message);
  process.exit(exitCode);
}
