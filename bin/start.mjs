#!/usr/bin/env node
// `npm start` / `npm run chat`: the bot compiled into dist/ (rebuilt first if src/ changed).
import { ensureFresh } from "../scripts/build.mjs";

await ensureFresh();
await import("../dist/main.mjs");
