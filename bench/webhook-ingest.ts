import { availableParallelism, loadavg } from "node:os";
import { createRegistryDeps, type Store, syncImage } from "@bridgeport/core";
import { pushOciImage, type RunningRegistry, startRegistry } from "@bridgeport/test/harness";
import type { BenchResult } from "./run.js";
import { measurePushToDeploy } from "./webhook-ingest-deploy.js";
import { distributionNotification, type PushedManifest } from "./webhook-ingest-payload.js";
import {
  newSecrets,
  type Seed,
  startBareProcess,
  startBotProcess,
  startReceiverOnlyBot,
} from "./webhook-ingest-servers.js";
import { measureSides, OPEN_LOOP, SATURATION } from "./webhook-ingest-side.js";

const REPO = "bench/ingest-app";
/** Images the bot knows that a push does not match: the receiver looks through them all. */
const OTHER_IMAGES = 9;
const TARGETS = { p99Ms: 20, ratioVsBare: 0.5, pushToDeployP50Ms: 50 };
const PUSH_TO_DEPLOY_ITERATIONS = 16;

/**
 * Registry push notifications into the bot, beside a bare node:http peer doing the same
 * verification and store writes (bench/README.md): open loop at 1,000/s for latency and
 * errors, closed-loop rounds for throughput, then push-to-deploy against a real registry and
 * dockerd. The machine's load average is recorded: on a shared machine it moves every number.
 */
export default async function webhookIngest(): Promise<BenchResult> {
  const loadAtStart = loadavg()[0] ?? 0;
  const registry = await startRegistry({ auth: "none" });
  try {
    const pushed = await pushOciImage(registry, REPO, "latest", { seed: "ingest" });
    const push: PushedManifest = {
      registryHost: registry.host,
      repository: REPO,
      tag: "latest",
      digest: pushed.digest,
      mediaType: pushed.mediaType,
      size: pushed.manifestLength,
    };
    const makeBody = () => distributionNotification(push);
    const seed = ingestSeed(registry);
    const secrets = newSecrets();
    const [bare, ours, receiverOnly] = await measureSides(
      [
        { name: "bare", start: () => startBareProcess(secrets, seed) },
        { name: "bot", start: () => startBotProcess(secrets, seed) },
        { name: "bot, job runner stopped", start: () => startReceiverOnlyBot(secrets, seed) },
      ],
      secrets,
      makeBody,
    );
    if (!bare || !ours || !receiverOnly) throw new Error("a side is missing");
    process.stderr.write(`push-to-deploy: ${PUSH_TO_DEPLOY_ITERATIONS} pushes to a socket-mode server...\n`);
    const deploy = await measurePushToDeploy(PUSH_TO_DEPLOY_ITERATIONS);

    const open = ours.open_loop;
    const ratio = ours.saturation.rps / bare.saturation.rps;
    const met =
      open.latency.p99_ms < TARGETS.p99Ms &&
      open.errors.total === 0 &&
      ratio >= TARGETS.ratioVsBare &&
      deploy.p50_ms < TARGETS.pushToDeployP50Ms;
    const result = {
      rps: ours.saturation.rps,
      p50_ms: open.latency.p50_ms,
      p99_ms: open.latency.p99_ms,
      errors: open.errors.total,
      bare_node_rps: bare.saturation.rps,
      ratio_vs_bare: round(ratio, 2),
      push_to_deploy_p50_ms: deploy.p50_ms,
      push_to_deploy_p90_ms: deploy.p90_ms,
      open_loop_rps: open.achieved_rps,
      rps_receiver_only: receiverOnly.saturation.rps,
      ratio_vs_bare_receiver_only: round(receiverOnly.saturation.rps / bare.saturation.rps, 2),
      p99_ms_receiver_only: receiverOnly.open_loop.latency.p99_ms,
      bare_p50_ms: bare.open_loop.latency.p50_ms,
      bare_p99_ms: bare.open_loop.latency.p99_ms,
      bare_errors: bare.open_loop.errors.total,
      targets: {
        p99_ms: "< 20 at 1000 rps with 0 errors",
        ratio_vs_bare: ">= 0.5",
        push_to_deploy_p50_ms: "< 50",
      },
      met,
      cpus: availableParallelism(),
      load_average_1m: { start: round(loadAtStart, 2), end: round(loadavg()[0] ?? 0, 2) },
      ours,
      receiver_only: receiverOnly,
      bare,
      push_to_deploy: deploy,
      notes: NOTES,
    };
    return {
      ...result,
      summary:
        `p99_ms=${result.p99_ms} (<20) errors=${result.errors} (=0) ratio_vs_bare=${result.ratio_vs_bare} (>=0.5) ` +
        `push_to_deploy_p50_ms=${result.push_to_deploy_p50_ms} (<50) rps=${result.rps} ` +
        `bare_node_rps=${result.bare_node_rps} open_loop_rps=${result.open_loop_rps}: ` +
        `${met ? "targets met" : "TARGETS MISSED"}`,
    };
  } finally {
    await registry.stop();
  }
}

function ingestSeed(registry: RunningRegistry): Seed {
  return async (store: Store) => {
    const environment = await store.environments.create({ name: "bench" });
    const connection = await store.registries.create({
      environmentId: environment.id,
      name: "local",
      type: "generic",
      registryUrl: registry.url,
      secrets: { username: registry.username, password: registry.password },
    });
    for (let i = 0; i < OTHER_IMAGES; i++) {
      await store.images.create({
        environmentId: environment.id,
        name: `other-${i}`,
        imageName: `${registry.host}/bench/other-${i}`,
        registryConnectionId: connection.id,
      });
    }
    const image = await store.images.create({
      environmentId: environment.id,
      name: "ingest-app",
      imageName: `${registry.host}/${REPO}`,
      tagFilter: "latest",
      registryConnectionId: connection.id,
    });
    // Synced once, as a running bot would have: each job's sync then finds `latest` unchanged.
    const registries = createRegistryDeps();
    try {
      const outcome = await syncImage({ store, registries, now: () => new Date() }, image);
      if (outcome.kind !== "synced") throw new Error(`seed sync: ${JSON.stringify(outcome)}`);
    } finally {
      await registries.transport.close();
    }
  };
}

const NOTES = {
  workload: `${OPEN_LOOP.rps} distribution notifications/s for ${OPEN_LOOP.seconds} s (open loop), each a fresh event id (a new delivery) for a real manifest pushed to a local CNCF registry as ${REPO}:latest; the receiver matches it to 1 of ${OTHER_IMAGES + 1} images and queues one sync-image job`,
  rps: `ours at saturation: 2xx per second with ${SATURATION.inFlight} requests in flight (closed loop), over ${SATURATION.rounds} rounds of ${SATURATION.seconds} s taken in turn with the other servers`,
  bare_node_rps: "the same saturation rounds against bench/bare-ingest-server.ts",
  ratio_vs_bare: "rps / bare_node_rps",
  p50_ms:
    "ours, open loop, from each request's scheduled send time to its response (no coordinated omission)",
  errors: "ours, open loop: non-2xx + network errors + requests unanswered 2 s after the last send",
  open_loop_rps: "ours, open loop: 2xx answers per second of schedule",
  bare_peer:
    "node:http, no framework: Authorization compared in constant time (sha256 + timingSafeEqual), content type and 1 MiB limit, JSON.parse, then the receiver's own schema, push extraction and image matching (bot/src/webhooks/distribution-events.ts, match-images.ts), then the same Store on a libsql file: image list + match, the delivery record and its sync-image job (built by the bot's own webhookSyncImageJob, so a burst of one push joins one queued job there too) in one transaction. It runs no job runner.",
  ours: "the bot's real entry (bot/src/server.ts) in its own process: Hono app, the distribution receiver, and its job runner, which works the queued sync jobs during the load against the real registry (tags list + HEAD per job). The bare peer does none of that background work, so ratio_vs_bare is conservative.",
  push_to_deploy_p50_ms: `median over ${PUSH_TO_DEPLOY_ITERATIONS} pushes (p90 beside it): from the bench sending the registry's notification for a new \`latest\` (pushed beforehand to an htpasswd registry) to the first request bytes the bot sends to the server's Docker socket; the bot's real entry, an autoUpdate image with one service on a socket-mode server whose socket is a timing proxy in front of a real dockerd. In between: ingest, job pickup, sync (tags list, HEAD, GET manifest and config), digest confirmation, plan, plan start. Each deploy runs to success before the next push. WEBHOOK_INGEST_TRACE=1 adds a per-stage trace (a timing proxy before the registry, one more hop per request).`,
  receiver_only:
    "the same bot (startBot) with its job runner stopped after start (bench/webhook-ingest-bot.ts): the receiver's work only, as the bare peer does; rps_receiver_only / ratio_vs_bare_receiver_only / p99_ms_receiver_only",
  stored:
    "each server's database counted after its run: deliveries and jobs by status. Requests the bench gave up on at the deadline may still have been stored, so stored >= answered_2xx",
  processes:
    "bare peer, bot and receiver-only bot each in their own process, all started first; only the one under load runs, the others are paused (SIGSTOP) so their background work takes no CPU from it; the registry in its own process; the load generator (undici Pool, 64 connections) in the bench process; shared 2-core machine, so absolute numbers move with what else runs",
};

const round = (n: number, digits = 3) => Number(n.toFixed(digits));
