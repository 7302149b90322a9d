#!/usr/bin/env node
// The `rinde` executable: the CLI compiled into dist/ (rebuilt first if src/ changed).
import { ensureFresh } from "../scripts/build.mjs";

await ensureFresh();
await import("../dist/rinde.mjs");
