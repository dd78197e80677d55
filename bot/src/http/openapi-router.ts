import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiEnv } from "./auth.js";

/**
 * A router for one API resource. Each gets the same validation hook as the app: a hook set on
 * the parent does not reach routes registered on a sub-app.
 */
export function apiRouter() {
  return new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
}

/** zod failures answer 400 naming the field and what it must be. */
export function validationHook(
  result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } },
  c: { json: (body: unknown, status: 400) => Response },
) {
  if (result.success || !result.error) return undefined;
  const issues = result.error.issues.map((i) => ({
    field: i.path.map(String).join(".") || "(body)",
    message: i.message,
  }));
  const first = issues[0];
  return c.json({ error: first ? `${first.field}: ${first.message}` : "Invalid request", issues }, 400);
}

export const ErrorSchema = z.object({ error: z.string() }).openapi("Error");

const error = (description: string) => ({
  content: { "application/json": { schema: ErrorSchema } },
  description,
});

/** The refusals every route may answer; thrown errors become these in errors.ts. */
export const errorResponses = {
  400: error("Invalid input: the message names the field"),
  404: error("No such resource"),
  409: error("Refused: the message says why"),
} as const;

/** A JSON 200 (or other) response for `createRoute`. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

/** Store ids: `newId()` output, but any short url-safe text is accepted and simply not found. */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "an id (letters, digits, _ and -)");

export const idParams = z.object({ id: idSchema.openapi({ param: { name: "id", in: "path" } }) });

/** A list's `limit` query parameter: 1 to 500, `byDefault` when absent. */
export const limitParam = (byDefault: number) => z.coerce.number().int().min(1).max(500).default(byDefault);

/** Timestamps leave the API as ISO 8601 text. */
export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
