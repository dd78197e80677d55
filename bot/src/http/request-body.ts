import { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";

/**
 * The most any request body may be, on every route: registry webhooks, GitHub deliveries
 * (an issue comment's is far below it) and API requests (a few KiB at most). Larger bodies
 * are refused with 413 once this much has been read, whatever Content-Length claims.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyResult<T> = { ok: true; value: T; raw: string } | { ok: false; response: Response };
type Read<T> = { ok: true; value: T } | { ok: false; response: Response };

/**
 * Reads a webhook body: refuses a wrong content type (415), more than MAX_BODY_BYTES (413),
 * bad JSON or a body the schema rejects (400, naming the field).
 */
export async function readWebhookBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  contentTypes: readonly string[],
): Promise<BodyResult<z.infer<S>>> {
  const raw = await readRaw(c, contentTypes);
  if (!raw.ok) return raw;
  return parseJson(c, raw.value, schema);
}

/** The body as text, after checking its content type (415 otherwise). */
export async function readRaw(c: Context, contentTypes: readonly string[]): Promise<Read<string>> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!contentTypes.includes(type)) {
    return {
      ok: false,
      response: c.json({ error: `Content-Type must be ${contentTypes.join(" or ")}` }, 415),
    };
  }
  return readText(c);
}

/** The body as UTF-8 text, bounded like `readBody`. */
export async function readText(c: Context): Promise<Read<string>> {
  const body = await readBody(c);
  return body.ok ? { ok: true, value: body.value.toString("utf8") } : body;
}

/**
 * The body's bytes, read as a stream and cut off at MAX_BODY_BYTES (413): nothing past the
 * limit is buffered. The answer to a body left unread closes the connection (`closeUnreadBodies`).
 */
export async function readBody(c: Context): Promise<Read<Buffer>> {
  const tooLarge = () => ({
    ok: false as const,
    response: c.json({ error: `Body too large: the limit is ${MAX_BODY_BYTES} bytes` }, 413),
  });
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bodyChunks(c)) {
    size += chunk.byteLength;
    // Leaving the loop stops reading: the rest is never buffered.
    if (size > MAX_BODY_BYTES) return tooLarge();
    chunks.push(chunk);
  }
  return { ok: true, value: Buffer.concat(chunks) };
}

/**
 * API bodies through the same bounded read: the bytes are handed on as the request's body,
 * which the routes' validators then parse.
 */
export function boundedBodies(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const body = await readBody(c);
    if (!body.ok) return body.response;
    c.req.raw = new Request(c.req.raw, { body: body.value });
    return next();
  };
}

/**
 * Answers sent before the body has fully arrived (a refused secret or token, 413, an unknown
 * route) close the connection. Node would otherwise read the rest to reuse the connection
 * (@hono/node-server drains up to 64 MiB), which is the very work a refusal should spare.
 */
export function closeUnreadBodies(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const incoming = nodeRequest(c);
    if (incoming && !incoming.complete) c.header("connection", "close");
  };
}

/**
 * Under @hono/node-server the Node request is read directly: going through `c.req.raw.body`
 * makes the adapter build a whole web Request, AbortSignal and stream per delivery, a
 * measurable share of the webhook path's CPU (bench/README.md).
 */
async function* bodyChunks(c: Context): AsyncGenerator<Uint8Array> {
  const incoming = nodeRequest(c);
  if (incoming) {
    yield* incoming.iterator({ destroyOnReturn: false });
    return;
  }
  const reader = c.req.raw.body?.getReader();
  if (!reader) return;
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      done = next.done;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // The caller stopped early (the body is too large): tell the stream.
    if (!done) await reader.cancel();
  }
}

function nodeRequest(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

export function parseJson<S extends z.ZodType>(c: Context, raw: string, schema: S): BodyResult<z.infer<S>> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, response: c.json({ error: "Body is not valid JSON" }, 400) };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join(".") || "(body)";
    return { ok: false, response: c.json({ error: `${field}: ${issue?.message ?? "invalid"}` }, 400) };
  }
  return { ok: true, value: parsed.data, raw };
}
