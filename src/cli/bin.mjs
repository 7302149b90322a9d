#!/usr/bin/env node
// The `rinde` executable: runs the TypeScript CLI through tsx's loader.
import { register } from "tsx/esm/api";

register();
await import("./index.ts");
