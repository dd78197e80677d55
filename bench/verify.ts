import { createPublicKey, verify as cryptoVerify, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  COSIGN,
  checkSignature,
  connectRegistry,
  createCipher,
  createRegistryDeps,
  createStore,
  executePlan,
  type HostProvider,
  MemoryLoginCache,
  openDatabase,
  type RequestEvent,
  requestDeploy,
  sigTagOf,
  syncImage,
} from "@bridgeport/core";
import {
  generateSigningKey,
  mapWithConcurrency,
  pushCosignSignature,
  pushManyTags,
  pushSigstoreBundle,
  startRegistry,
} from "@bridgeport/test/harness";
import { trustKey } from "../test/signatures/signature-lab.js";
import type { BenchResult } from "./run.js";

// 1,000 signed digests in one repository on a local htpasswd registry: 800 with cosign's classic
// `.sig`, 200 with a Sigstore bundle behind the referrers fallback tag (registry 2.8 has no
// referrers API). Verified one after another, as plans verify them.
const DIGESTS = 1_000;
const BUNDLES = 200;
const PLANS = 40; // plans per policy for the added time before the first server command
const TARGETS = { requestsPerDigestCold: 3, requestsPerDigestWarm: 0, addedMsP50: 50 };

export default async function verifyBench(): Promise<BenchResult> {
  const registry = await startRegistry({ auth: "htpasswd" });
  const dir = await mkdtemp(join(tmpdir(), "bridgeport-bench-verify-"));
  const events: RequestEvent[] = [];
  const registries = createRegistryDeps({ onRequest: (e) => events.push(e) });
  const database = await openDatabase({ url: `file:${join(dir, "bridgeport.db")}` });
  const store = createStore(database, { cipher: createCipher(randomBytes(32)) });
  try {
    const repo = "bench/signed";
    process.stderr.write(`pushing and signing ${DIGESTS} digests...\n`);
    const images = await pushManyTags(registry, repo, DIGESTS, { concurrency: 16 });
    const key = generateSigningKey();
    await mapWithConcurrency(images, 16, async (image, i) => {
      if (i < DIGESTS - BUNDLES) await pushCosignSignature(registry, repo, image.digest, { key });
      else await pushSigstoreBundle(registry, repo, image, { key });
    });

    const environment = await store.environments.create({ name: "bench" });
    const connection = await store.registries.create({
      environmentId: environment.id,
      name: "local",
      type: "generic",
      registryUrl: registry.url,
      secrets: { username: registry.username, password: registry.password },
    });
    let image = await store.images.create({
      environmentId: environment.id,
      name: "signed",
      imageName: `${registry.host}/${repo}`,
      tagFilter: "t-*",
      registryConnectionId: connection.id,
      signaturePolicy: "enforce",
    });
    await trustKey(store, environment.id, "ci", key);
    // The sync a bot has done before anything deploys: its tag listing is where checks look.
    await syncImage({ store, registries, now: () => new Date(), maxTags: DIGESTS }, image);

    const digests = images.map((i) => i.digest);
    const run = async () => {
      events.length = 0;
      const started = performance.now();
      const statuses = new Map<string, number>();
      for (const digest of digests) {
        const check = await checkSignature({ store, registries }, image, digest, "enforce");
        statuses.set(check.status, (statuses.get(check.status) ?? 0) + 1);
      }
      const waitedMs = events.reduce((sum, e) => sum + e.durationMs, 0);
      return {
        ms: performance.now() - started,
        requests: events.length,
        waitedMs,
        statuses: Object.fromEntries(statuses),
      };
    };
    const cold = await run();
    const warm = await run();
    if (cold.statuses.verified !== DIGESTS) throw new Error(`cold: ${JSON.stringify(cold.statuses)}`);

    const bare = await bareLoop(
      registries,
      registry,
      repo,
      digests.slice(0, DIGESTS - BUNDLES),
      key.publicKeyPem,
    );
    const added = await addedBeforeFirstServer(store, registries, image.id, environment.id, digests[0] ?? "");
    image = (await store.images.get(image.id)) ?? image;

    const result = {
      digests: DIGESTS,
      bundles: BUNDLES,
      cold_ms_per: round(cold.ms / DIGESTS),
      warm_ms_per: round(warm.ms / DIGESTS),
      requests_per_digest: round(cold.requests / DIGESTS),
      cold_registry_wait_ms_per: round(cold.waitedMs / DIGESTS),
      requests_per_digest_warm: round(warm.requests / DIGESTS),
      bare_node_crypto_ms_per: round(bare.ms / bare.count),
      first_server_command_p50_ms_policy_off: round(added.off),
      first_server_command_p50_ms_enforce_warm: round(added.enforce),
      added_ms_p50: round(added.enforce - added.off),
      targets: TARGETS,
      notes: {
        cold: "checkSignature for each digest, one after another, registry requests included (cosign .sig: manifest + payload blob; bundle: fallback index + referrer manifest + bundle blob)",
        cold_registry_wait: "of cold_ms_per, the time spent waiting for the registry's answers",
        warm: "the same again: every result cached by digest and key set (two store reads, no request)",
        bare: "node:crypto alone over the 800 cosign payloads fetched beforehand: verify, JSON.parse, digest compare",
        added: `executePlan until the host provider is first asked for a server, p50 of ${PLANS} plans each, policy off vs enforce with a warm cache`,
      },
    };
    const met =
      result.requests_per_digest <= TARGETS.requestsPerDigestCold &&
      result.requests_per_digest_warm === 0 &&
      result.added_ms_p50 <= TARGETS.addedMsP50;
    return {
      ...result,
      summary: `cold ${result.cold_ms_per} ms/digest (${result.requests_per_digest} requests), warm ${result.warm_ms_per} ms (${result.requests_per_digest_warm}), bare node:crypto ${result.bare_node_crypto_ms_per} ms; +${result.added_ms_p50} ms p50 before the first server command${met ? "; targets met" : "; TARGET MISSED"}`,
    };
  } finally {
    await registries.transport.close();
    await database.close();
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The peer: what verifying costs with nothing but node:crypto, over payloads already fetched. */
async function bareLoop(
  registries: ReturnType<typeof createRegistryDeps>,
  registry: { url: string; username: string; password: string },
  repo: string,
  digests: readonly string[],
  pem: string,
) {
  const { client } = connectRegistry(
    {
      type: "generic",
      registryUrl: registry.url,
      secrets: { username: registry.username, password: registry.password },
      identity: "bench-bare",
    },
    registries,
  );
  const fetched = await mapWithConcurrency(digests, 8, async (digest) => {
    const { manifest } = await client.getManifest(repo, sigTagOf(digest));
    const layer = "layers" in manifest ? manifest.layers[0] : undefined;
    if (!layer) throw new Error("no layer");
    return {
      digest,
      payload: await client.getBlob(repo, layer.digest),
      signature: Buffer.from(layer.annotations?.[COSIGN.signatureAnnotation] ?? "", "base64"),
    };
  });
  const key = createPublicKey(pem);
  const started = performance.now();
  for (const f of fetched) {
    if (!cryptoVerify("sha256", f.payload, key, f.signature)) throw new Error("bare: bad signature");
    const payload = JSON.parse(f.payload.toString()) as { critical: { image: Record<string, string> } };
    if (payload.critical.image["docker-manifest-digest"] !== f.digest) throw new Error("bare: other digest");
  }
  return { ms: performance.now() - started, count: fetched.length };
}

/**
 * Plans of one service on a socket server whose host provider notes when it is first asked for
 * a server and then refuses (the step fails before any command): the time from executePlan's
 * start to that moment, policy off against enforce (the digest's check cached), interleaved.
 */
async function addedBeforeFirstServer(
  store: ReturnType<typeof createStore>,
  registries: ReturnType<typeof createRegistryDeps>,
  imageId: string,
  environmentId: string,
  digest: string,
) {
  const server = await store.servers.create({
    environmentId,
    name: "bench-server",
    mode: "socket",
    socketPath: "/nonexistent/bench.sock",
  });
  await store.services.create({
    serverId: server.id,
    containerImageId: imageId,
    name: "web",
    containerName: "web",
  });
  const digestRow = await store.digests.findByManifestDigest(imageId, digest);
  const samples: Record<"off" | "enforce", number[]> = { off: [], enforce: [] };
  for (let i = 0; i < PLANS * 2; i++) {
    const policy = i % 2 === 0 ? "off" : "enforce";
    await store.images.update(imageId, { signaturePolicy: policy });
    const planned = await requestDeploy(store, {
      containerImageId: imageId,
      imageDigestId: digestRow?.id ?? "",
      autoRollback: false,
      force: true,
      trigger: "api",
      triggeredBy: "bench",
    });
    if (planned.kind !== "planned") throw new Error(`not planned: ${JSON.stringify(planned)}`);
    let firstAsked = 0;
    const hosts: HostProvider = {
      host: async () => {
        firstAsked ||= performance.now();
        throw new Error("the bench stops at the first server");
      },
      close: async () => undefined,
    };
    const started = performance.now();
    await executePlan(planned.planId, {
      store,
      hosts,
      registries,
      loginCache: new MemoryLoginCache(),
      owner: "bench",
    });
    if (firstAsked === 0) throw new Error(`plan ${planned.planId} never reached a server (policy ${policy})`);
    samples[policy].push(firstAsked - started);
  }
  return { off: median(samples.off), enforce: median(samples.enforce) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const round = (n: number) => Math.round(n * 1000) / 1000;
