/** The bot's process entry, bundled into dist/main.mjs (`npm start`, `npm run chat`). */
import { runMain } from "./main.ts";

await runMain(process.argv.slice(2));
