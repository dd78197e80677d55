import { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { z } from "zod";

/** Larger bodies are refused before they are read whole. */
export const MAX_WEBHOOK_BODY = 1024 * 1024;

export type BodyResult<T> = { ok: true; value: T; raw: string } | { ok: false; response: Response };

/**
 * Reads a webhook body: refuses a wrong content type (415), more than 1 MiB (413), bad JSON
 * or a body the schema rejects (400, naming the field). The body is read as a stream and cut
 * off at the limit, whatever Content-Length claims.
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

export async function readRaw(
  c: Context,
  contentTypes: readonly string[],
): Promise<{ ok: true; value: string } | { ok: false; response: Response }> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!contentTypes.includes(type)) {
    return {
      ok: false,
      response: c.json({ error: `Content-Type must be ${contentTypes.join(" or ")}` }, 415),
    };
  }
  const tooLarge = () => ({
    ok: false as const,
    response: c.json({ error: `Body too large: the limit is ${MAX_WEBHOOK_BODY} bytes` }, 413),
  });
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BODY) return tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bodyChunks(c)) {
    size += chunk.byteLength;
    // Leaving the loop stops reading: the rest is never buffered, and Node discards it once the
    // 413 is sent, so the connection stays usable.
    if (size > MAX_WEBHOOK_BODY) return tooLarge();
    chunks.push(chunk);
  }
  return { ok: true, value: Buffer.concat(chunks).toString("utf8") };
}

/**
 * The body's bytes. Under @hono/node-server the Node request is read directly: going through
 * `c.req.raw.body` makes the adapter build a whole web Request, AbortSignal and stream per
 * delivery, a measurable share of the webhook path's CPU (bench/README.md).
 */
async function* bodyChunks(c: Context): AsyncGenerator<Uint8Array> {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  if (incoming instanceof IncomingMessage) {
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
