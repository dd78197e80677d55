import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createCipher, createStore, openDatabase, parseMasterKey } from "@bridgeport/core";
import { webhookSyncImageJob } from "../bot/src/jobs/sync-image-job.js";
import { distributionEnvelopeSchema, distributionPushes } from "../bot/src/webhooks/distribution-events.js";
import { matchImages } from "../bot/src/webhooks/match-images.js";

/**
 * The webhook-ingest bench's peer: a bare `node:http` server doing what the bot's distribution
 * receiver does for a push, and nothing else. Same work, no framework: the Authorization
 * header compared in constant time (both sides hashed), the content type and 1 MiB limit
 * checked, the envelope parsed, validated, turned into pushes and matched by the receiver's
 * own functions (`distribution-events.ts`, `match-images.ts`), then through the same Store on
 * a libsql file: image names and match, then the delivery and one sync-image job per matching
 * image (built by the receiver's own `webhookSyncImageJob`, so it joins a queued job for the
 * same push as the bot's does) in one transaction.
 * No job runner, no metrics, no logging, no other routes.
 *
 * Environment: PORT, DATABASE_URL, BRIDGEPORT_MASTER_KEY, WEBHOOK_DISTRIBUTION_SECRET.
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const secret = env("WEBHOOK_DISTRIBUTION_SECRET");
const database = await openDatabase({ url: env("DATABASE_URL") });
const store = createStore(database, {
  cipher: createCipher(parseMasterKey(env("BRIDGEPORT_MASTER_KEY"), "BRIDGEPORT_MASTER_KEY")),
});

const CONTENT_TYPES = ["application/vnd.docker.distribution.events.v1+json", "application/json"];
const MAX_BODY = 1024 * 1024;
const expectedHash = createHash("sha256").update(secret).digest();

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.destroy();
        resolve(null);
      } else chunks.push(chunk);
    });
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  if (req.method !== "POST" || req.url !== "/webhooks/distribution")
    return send(res, 404, { error: "Not found" });
  const presented = req.headers.authorization;
  const presentedHash = createHash("sha256")
    .update(presented ?? "")
    .digest();
  if (presented === undefined || !timingSafeEqual(presentedHash, expectedHash))
    return send(res, 401, { error: "Unauthorized" });
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!CONTENT_TYPES.includes(type)) return send(res, 415, { error: "Unsupported content type" });
  if (Number(req.headers["content-length"] ?? "0") > MAX_BODY)
    return send(res, 413, { error: "Body too large" });
  const raw = await readBody(req);
  if (raw === null) return send(res, 413, { error: "Body too large" });
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return send(res, 400, { error: "Body is not valid JSON" });
  }
  const parsed = distributionEnvelopeSchema.safeParse(json);
  if (!parsed.success) return send(res, 400, { error: parsed.error.issues[0]?.message ?? "invalid" });

  const pushes = distributionPushes(parsed.data.events);
  const ids = parsed.data.events.map((e) => e.id).sort();
  const deliveryKey = `sha256:${createHash("sha256").update(ids.join("\n")).digest("hex")}`;
  const images = pushes.length > 0 ? await store.images.listNames() : [];
  const jobs = pushes.flatMap((push) =>
    matchImages(images, push).map((image) =>
      webhookSyncImageJob(
        {
          imageId: image.id,
          trigger: "webhook",
          source: "webhook:distribution",
          tag: push.tag,
          digest: push.digest,
        },
        `webhook:distribution:${deliveryKey}:${image.id}:${push.tag ?? ""}`,
      ),
    ),
  );
  const recorded = await store.webhookDeliveries.ingest({
    source: "distribution",
    deliveryKey,
    pushes,
    jobs,
  });
  if (!recorded.created) return send(res, 200, { deliveryId: recorded.id, duplicate: true, queued: 0 });
  send(res, 202, { deliveryId: recorded.id, duplicate: false, queued: recorded.jobIds.length, detail: null });
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) send(res, 500, { error: "Internal error" });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(env("PORT")), "127.0.0.1", () => process.stdout.write("bare ingest server listening\n"));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () =>
    server.close(() => {
      database.close();
      process.exit(0);
    }),
  );
}
