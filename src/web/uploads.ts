/**
 * File uploads for the back-office's CSV imports: @fastify/multipart in an encapsulated scope, so
 * only the routes registered inside it accept `multipart/form-data`. Fields and files are attached
 * to the body (files as Buffers) before the CSRF check reads `_csrf` from it; the session hook runs
 * first (onRequest), so nobody signed out gets a body read. A file over the limit is refused with a
 * page, not a stack trace.
 */
import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import { sendPage } from "./render.ts";
import type { WebDeps } from "./deps.ts";

/** Largest file accepted: 20,000 paper forms or a registry of thousands of commitments fit. */
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;

/** Errors of @fastify/multipart that a person can cause (a big file, a form cut short). */
const UPLOAD_ERRORS = new Set([
  "FST_REQ_FILE_TOO_LARGE",
  "FST_FILES_LIMIT",
  "FST_FIELDS_LIMIT",
  "FST_PARTS_LIMIT",
  "FST_PROTO_VIOLATION",
  "FST_MP_PREMATURE_CLOSE",
]);

/** Registers `routes` in a scope that accepts uploads. */
export async function withUploads(
  admin: FastifyInstance,
  deps: WebDeps,
  routes: (scope: FastifyInstance) => void,
): Promise<void> {
  await admin.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: "keyValues",
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 2, fields: 20, fieldSize: 16 * 1024, parts: 24 },
    });
    scope.setErrorHandler(async (error, request, reply) => {
      const code = (error as { code?: string }).code ?? "";
      if (!UPLOAD_ERRORS.has(code)) throw error;
      const tooLarge = code === "FST_REQ_FILE_TOO_LARGE";
      return sendPage(
        request,
        reply,
        deps,
        "error",
        { title: "errors.title", message: tooLarge ? "uploads.too_large" : "uploads.broken" },
        tooLarge ? 413 : 400,
      );
    });
    routes(scope);
  });
}

/** The uploaded file of a multipart field (empty when no file was chosen). */
export const uploaded = (value: unknown): Buffer | undefined =>
  Buffer.isBuffer(value) && value.length > 0 ? value : undefined;
