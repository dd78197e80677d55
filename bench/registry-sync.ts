import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  compareTagsNewestFirst,
  connectRegistry,
  createRegistryDeps,
  type KnownState,
  type RegistryConnectionInfo,
  type RepositorySnapshot,
  type RequestEvent,
  snapshotRepository,
} from "@bridgeport/core";
import {
  makeTempDir,
  mapWithConcurrency,
  pushManyTags,
  removeTempDir,
  runCommand,
  startRegistry,
} from "@bridgeport/test/harness";
import type { BenchResult } from "./run.js";

// 200 repositories x 50 tags on the local token-auth registry; skopeo on a sample of 200 tags.
const REPOS = 200;
const TAGS = 50;
const CONCURRENCY = 8; // requests in flight against the host, for us and for skopeo alike
const SKOPEO_REPOS = 4;

export default async function registrySync(): Promise<BenchResult> {
  const registry = await startRegistry({ auth: "token", tokenExpiresInSeconds: 3600 });
  const authDir = await makeTempDir("bench-skopeo-auth");
  try {
    const repos = Array.from({ length: REPOS }, (_, i) => `bench/app-${String(i).padStart(3, "0")}`);
    process.stderr.write(`pushing ${REPOS * TAGS} tags into ${REPOS} repositories...\n`);
    await mapWithConcurrency(repos, 4, (repo) => pushManyTags(registry, repo, TAGS, { concurrency: 8 }));

    const events: RequestEvent[] = [];
    const deps = createRegistryDeps({ maxConcurrencyPerHost: CONCURRENCY, onRequest: (e) => events.push(e) });
    const conn: RegistryConnectionInfo = {
      type: "generic",
      registryUrl: registry.url,
      secrets: { username: registry.username, password: registry.password },
      identity: "bench@v1",
    };
    const { client, provider } = connectRegistry(conn, deps);
    const syncAll = (known: Map<string, KnownState>) =>
      mapWithConcurrency(repos, CONCURRENCY, (repo) =>
        snapshotRepository(client, repo, {
          filter: () => true,
          maxTags: TAGS,
          newestFirst: compareTagsNewestFirst,
          known: known.get(repo) ?? { tags: new Map(), digests: new Set() },
          headBeforeGet: provider.headBeforeGet,
          configs: deps.configs,
          concurrency: CONCURRENCY,
        }),
      );

    process.stderr.write("cold sync...\n");
    let started = performance.now();
    const cold = await syncAll(new Map());
    const coldS = (performance.now() - started) / 1000;
    const coldEvents = events.splice(0);

    const known = new Map(cold.map((snap) => [snap.repository, knownFrom(snap)]));
    process.stderr.write("warm re-sync...\n");
    started = performance.now();
    const warm = await syncAll(known);
    const warmS = (performance.now() - started) / 1000;
    const warmEvents = events.splice(0);
    await deps.transport.close();

    const tags = cold.reduce((sum, snap) => sum + snap.tags.length, 0);
    const distinctNewDigests = new Set(cold.flatMap((snap) => snap.newDigests.map((d) => d.digest))).size;
    const count = (list: RequestEvent[], kind: RequestEvent["kind"]) =>
      list.filter((e) => e.kind === kind).length;
    const lowerBound = count(coldEvents, "token") + count(coldEvents, "tags") + tags;
    const allowedCold = 1.01 * lowerBound + distinctNewDigests;
    if (warm.some((snap) => snap.newDigests.length > 0)) throw new Error("warm re-sync found new digests");

    process.stderr.write("skopeo on a sample...\n");
    const authFile = join(authDir, "auth.json");
    const auth = Buffer.from(`${registry.username}:${registry.password}`).toString("base64");
    await writeFile(authFile, JSON.stringify({ auths: { [registry.host]: { auth } } }), { mode: 0o600 });
    const skopeo = (args: string[]) =>
      runCommand(["skopeo", ...args, "--authfile", authFile, "--tls-verify=false"], { timeoutMs: 60_000 });
    const sample = repos.slice(0, SKOPEO_REPOS);
    started = performance.now();
    const listed = await mapWithConcurrency(sample, CONCURRENCY, async (repo) => {
      const { stdout } = await skopeo(["list-tags", `docker://${registry.host}/${repo}`]);
      return (JSON.parse(stdout) as { Tags: string[] }).Tags.map((tag) => `${repo}:${tag}`);
    });
    const sampleRefs = listed.flat();
    await mapWithConcurrency(sampleRefs, CONCURRENCY, (ref) =>
      skopeo(["inspect", "--no-tags", `docker://${registry.host}/${ref}`]),
    );
    const skopeoS = (performance.now() - started) / 1000;

    const oursPerTag = coldS / tags;
    const skopeoPerTag = skopeoS / sampleRefs.length;
    const ratio = skopeoPerTag / oursPerTag;
    const result = {
      repos: REPOS,
      tags,
      concurrency: CONCURRENCY,
      cold_s: round(coldS),
      warm_s: round(warmS),
      requests_cold: coldEvents.length,
      lower_bound_requests: lowerBound,
      distinct_new_digests: distinctNewDigests,
      requests_cold_allowed: Math.floor(allowedCold),
      config_gets_cold: count(coldEvents, "blob"),
      retries_cold: coldEvents.filter((e) => e.attempt > 0).length,
      requests_warm: warmEvents.length,
      manifest_gets_warm: count(warmEvents, "manifest"),
      skopeo_sample_tags: sampleRefs.length,
      skopeo_s: round(skopeoS),
      skopeo_s_per_tag: round(skopeoPerTag, 6),
      ours_s_per_tag: round(oursPerTag, 6),
      ratio_vs_skopeo: round(ratio, 1),
      targets: {
        ratio_vs_skopeo: ">= 10",
        requests_cold: "<= 1.01 x lower_bound + distinct new digests",
        manifest_gets_warm: "= 0",
      },
      met: ratio >= 10 && coldEvents.length <= allowedCold && count(warmEvents, "manifest") === 0,
    };
    return {
      ...result,
      summary:
        `ratio_vs_skopeo=${result.ratio_vs_skopeo} (>=10) requests_cold=${result.requests_cold} ` +
        `(<=${result.requests_cold_allowed}) manifest_gets_warm=${result.manifest_gets_warm} (=0) ` +
        `cold=${result.cold_s}s warm=${result.warm_s}s for ${tags} tags: ${result.met ? "targets met" : "TARGETS MISSED"}`,
    };
  } finally {
    await registry.stop();
    await removeTempDir(authDir);
  }
}

function knownFrom(snap: RepositorySnapshot): KnownState {
  return {
    tags: new Map(snap.tags.map((t) => [t.tag, t.digest])),
    digests: new Set(snap.newDigests.map((d) => d.digest)),
  };
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));
