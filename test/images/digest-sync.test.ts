import { randomUUID } from "node:crypto";
import { checkRegistryUpdates, ImageSyncer, type ImageSyncOutcome, syncImage } from "@bridgeport/core";
import {
  type FaultProxy,
  pushOciImage,
  retag,
  seedRegistryImage,
  startFaultProxy,
} from "@bridgeport/test/harness";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { openTestStore } from "./support.js";

const { token } = inject("registries");
let ctx: Awaited<ReturnType<typeof openTestStore>>;
let proxy: FaultProxy | null = null;
beforeEach(async () => {
  ctx = await openTestStore();
});
afterEach(async () => {
  await proxy?.stop();
  proxy = null;
  await ctx.close();
});

async function setUp(tagFilter: string, registryUrl = token.url) {
  const { store } = ctx;
  const repo = `images/app-${randomUUID().slice(0, 8)}`;
  const { environment, connection, image } = await seedRegistryImage(
    store,
    { ...token, url: registryUrl },
    {
      environment: `env-${randomUUID().slice(0, 6)}`,
      connection: "local",
      name: "App",
      repository: repo,
      tagFilter,
    },
  );
  return { env: environment, registry: connection, repo, image };
}

const sync = async (imageId: string) => {
  const image = await ctx.store.images.get(imageId);
  if (!image) throw new Error("image vanished");
  return syncImage({ store: ctx.store, registries: ctx.registries, now: () => new Date() }, image);
};
const synced = (o: ImageSyncOutcome) => {
  if (o.kind !== "synced") throw new Error(`expected a sync, got ${JSON.stringify(o)}`);
  return o;
};

describe("digest sync against the real registry", () => {
  it("push v1, deploy it, push v2: updateAvailable names v2; a re-pointed latest is detected", async () => {
    const { repo, image } = await setUp("v*.*.*, latest");
    const v1 = await pushOciImage(token, repo, "v1.0.0", { seed: "one", created: "2026-05-01T00:00:00Z" });
    await retag(token, repo, "latest", v1.digest);
    await pushOciImage(token, repo, "v1.0.0-rc1", { seed: "rc" }); // outside the filter

    const first = synced(await sync(image.id));
    expect(first.update).toMatchObject({ updateAvailable: false, reason: "no_deployed_digest" });
    const rows = await ctx.store.digests.listForImage(image.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      manifestDigest: v1.digest,
      tags: ["latest", "v1.0.0"],
      size: v1.size,
      configDigest: v1.configDigest,
      pushedAt: new Date("2026-05-01T00:00:00Z"),
      pushedAtSource: "config",
    });
    await ctx.store.images.update(image.id, { deployedDigestId: rows[0]?.id ?? null });

    const v2 = await pushOciImage(token, repo, "v2.0.0", { seed: "two", created: "2026-06-01T00:00:00Z" });
    const second = synced(await sync(image.id));
    expect(second.update).toMatchObject({ updateAvailable: true, latestTag: "v2.0.0" });
    const stored = await ctx.store.images.get(image.id);
    expect(stored).toMatchObject({ updateAvailable: true, latestTag: "v2.0.0", updateReason: null });

    // A rebuild pushed as latest only: the rolling tag moves and is offered.
    const rebuilt = await pushOciImage(token, repo, "latest", { seed: "rebuild" });
    const third = synced(await sync(image.id));
    const byDigest = Object.fromEntries(
      (await ctx.store.digests.listForImage(image.id)).map((d) => [d.manifestDigest, d.tags]),
    );
    expect(byDigest).toEqual({
      [v1.digest]: ["v1.0.0"],
      [v2.digest]: ["v2.0.0"],
      [rebuilt.digest]: ["latest"],
    });
    expect(third.rowsWritten).toBeGreaterThanOrEqual(2);
  });

  it("a rolling tag re-pointed to another digest is an update; the same digest is not", async () => {
    const { repo, image } = await setUp("latest");
    await pushOciImage(token, repo, "latest", { seed: "A" });
    synced(await sync(image.id));
    const [deployed] = await ctx.store.digests.listForImage(image.id);
    await ctx.store.images.update(image.id, { deployedDigestId: deployed?.id ?? null });
    expect(synced(await sync(image.id)).update).toMatchObject({
      updateAvailable: false,
      reason: "up_to_date",
    });
    const b = await pushOciImage(token, repo, "latest", { seed: "B" });
    const moved = synced(await sync(image.id));
    expect(moved.update).toMatchObject({ updateAvailable: true, latestTag: "latest" });
    const latest = await ctx.store.digests.get(moved.update.latestDigestId ?? "");
    expect(latest?.manifestDigest).toBe(b.digest);
  });

  it("a sync with nothing changed writes zero digest rows", async () => {
    const { repo, image } = await setUp("latest, v*");
    await pushOciImage(token, repo, "latest", { seed: "a" });
    await pushOciImage(token, repo, "v1", { seed: "b" });
    expect(synced(await sync(image.id)).rowsWritten).toBe(2);
    const before = await ctx.store.digests.listForImage(image.id);
    const again = synced(await sync(image.id));
    expect(again.rowsWritten).toBe(0);
    expect(again.newDigests).toBe(0);
    expect(await ctx.store.digests.listForImage(image.id)).toEqual(before);
  });

  it("a registry failure mid-sync leaves the stored state exactly as it was", async () => {
    proxy = await startFaultProxy(token.url);
    const { repo, image } = await setUp("*", proxy.url);
    for (const tag of ["a", "b", "c"]) await pushOciImage(token, repo, tag);
    synced(await sync(image.id));
    const digestsBefore = await ctx.store.digests.listForImage(image.id);
    const imageBefore = await ctx.store.images.get(image.id);

    for (const tag of ["a", "d", "e"]) await pushOciImage(token, repo, tag, { seed: `new-${tag}` });
    proxy.inject({
      match: { pathIncludes: "/manifests/e" },
      times: Number.POSITIVE_INFINITY,
      fault: { kind: "status", status: 503 },
    });
    const outcome = await sync(image.id);
    expect(outcome).toMatchObject({ kind: "failed", temporary: true });
    expect(outcome.kind === "failed" ? outcome.error : "").toContain("Registry API error: 503");
    expect(await ctx.store.digests.listForImage(image.id)).toEqual(digestsBefore);
    expect(await ctx.store.images.get(image.id)).toEqual(imageBefore);
  });

  it("a webhook-announced move of a known tag is fetched with one GET by tag instead of HEAD then GET", async () => {
    proxy = await startFaultProxy(token.url);
    const { repo, image } = await setUp("latest", proxy.url);
    await pushOciImage(token, repo, "latest", { seed: "first" });
    synced(await sync(image.id));
    const manifestCalls = (from: number) =>
      (proxy?.requests ?? [])
        .slice(from)
        .filter((r) => r.path.includes("/manifests/"))
        .map((r) => `${r.method} ${r.path.replace(/sha256:[a-f0-9]+/, "<digest>")}`);

    const second = await pushOciImage(token, repo, "latest", { seed: "second" });
    let from = proxy.requests.length;
    const current = await ctx.store.images.get(image.id);
    if (!current) throw new Error("image vanished");
    const hinted = synced(
      await syncImage({ store: ctx.store, registries: ctx.registries, now: () => new Date() }, current, {
        tag: "latest",
        digest: second.digest,
      }),
    );
    expect(hinted.newDigests).toBe(1);
    expect(manifestCalls(from)).toEqual([`GET /v2/${repo}/manifests/latest`]);

    // Without the announcement the known tag is checked with a HEAD first.
    await pushOciImage(token, repo, "latest", { seed: "third" });
    from = proxy.requests.length;
    synced(await sync(image.id));
    expect(manifestCalls(from)).toEqual([
      `HEAD /v2/${repo}/manifests/latest`,
      `GET /v2/${repo}/manifests/<digest>`,
    ]);
  });

  it("fetches and describes a webhook-announced tag while the tags are still being listed", async () => {
    proxy = await startFaultProxy(token.url);
    const { repo, image } = await setUp("latest", proxy.url);
    const pushed = await pushOciImage(token, repo, "latest", { seed: "announced" });
    const LISTING_MS = 400;
    proxy.inject({
      match: { pathIncludes: "/tags/list" },
      times: 1,
      fault: { kind: "delay", ms: LISTING_MS },
    });
    const hinted = synced(
      await syncImage({ store: ctx.store, registries: ctx.registries, now: () => new Date() }, image, {
        tag: "latest",
        digest: pushed.digest,
      }),
    );
    expect(hinted.newDigests).toBe(1);
    const at = (what: string) => {
      const request = proxy?.requests.find((r) => r.method === "GET" && r.path.includes(what));
      if (!request) throw new Error(`no GET of ${what}`);
      return request.at;
    };
    const listing = at("/tags/list");
    // Both went out while the listing was held back, not after it.
    expect(at("/manifests/latest") - listing).toBeLessThan(LISTING_MS / 2);
    expect(at("/blobs/") - listing).toBeLessThan(LISTING_MS / 2);
    expect((await ctx.store.digests.listForImage(image.id)).map((d) => d.manifestDigest)).toEqual([
      pushed.digest,
    ]);
  });

  it("ignores an announced tag the listing does not show, and fails cleanly when the listing fails", async () => {
    proxy = await startFaultProxy(token.url);
    const { repo, image } = await setUp("v*", proxy.url);
    const v1 = await pushOciImage(token, repo, "v1", { seed: "listed" });
    const ghost = { tag: "v9", digest: `sha256:${"9".repeat(64)}` };
    const deps = { store: ctx.store, registries: ctx.registries, now: () => new Date() };
    const outcome = synced(await syncImage(deps, image, ghost));
    expect(outcome.newDigests).toBe(1);
    expect((await ctx.store.digests.listForImage(image.id)).map((d) => [d.manifestDigest, d.tags])).toEqual([
      [v1.digest, ["v1"]],
    ]);
    expect(proxy.requests.some((r) => r.path.endsWith("/manifests/v9"))).toBe(true);

    // The announced tag's early GET fails too: its error must not escape unhandled.
    for (const pathIncludes of ["/tags/list", "/manifests/"]) {
      proxy.inject({
        match: { pathIncludes },
        times: Number.POSITIVE_INFINITY,
        fault: { kind: "status", status: 503 },
      });
    }
    const failed = await syncImage(deps, image, { tag: "v1", digest: null });
    expect(failed).toMatchObject({ kind: "failed", temporary: true });
  });

  it("tightening the filter deletes nothing; broadening backfills on the next sync", async () => {
    const { repo, image } = await setUp("v*");
    await pushOciImage(token, repo, "v1");
    await pushOciImage(token, repo, "main-1");
    synced(await sync(image.id));
    expect((await ctx.store.digests.listForImage(image.id)).flatMap((d) => d.tags)).toEqual(["v1"]);
    await ctx.store.images.update(image.id, { tagFilter: "v*, main-*" });
    synced(await sync(image.id));
    expect((await ctx.store.digests.listForImage(image.id)).flatMap((d) => d.tags).sort()).toEqual([
      "main-1",
      "v1",
    ]);
    await ctx.store.images.update(image.id, { tagFilter: "main-*" });
    const tightened = synced(await sync(image.id));
    expect(tightened.rowsWritten).toBe(0);
    expect(await ctx.store.digests.listForImage(image.id)).toHaveLength(2);
  });
});

describe("check-updates and the scheduler", () => {
  it("answers per linked service in the seed's shape", async () => {
    const { env, registry, repo, image } = await setUp("v*.*.*");
    const v1 = await pushOciImage(token, repo, "v2.3.1", { seed: "1" });
    synced(await sync(image.id));
    const [row] = await ctx.store.digests.listForImage(image.id);
    await ctx.store.images.update(image.id, { deployedDigestId: row?.id ?? null });
    await pushOciImage(token, repo, "v2.4.0", { seed: "2" });
    const server = await ctx.store.servers.create({
      environmentId: env.id,
      name: "server-1",
      mode: "socket",
      socketPath: "/var/run/docker.sock",
    });
    const api = await ctx.store.services.create({
      serverId: server.id,
      containerImageId: image.id,
      name: "app-api",
      containerName: "app-api",
    });
    const worker = await ctx.store.services.create({
      serverId: server.id,
      containerImageId: image.id,
      name: "app-worker",
      containerName: "app-worker",
    });
    expect(v1.digest).toMatch(/^sha256:/);

    const syncer = new ImageSyncer({ store: ctx.store, registries: ctx.registries, now: () => new Date() });
    const result = await checkRegistryUpdates(ctx.store, syncer, registry.id);
    expect(result).toEqual({
      results: expect.arrayContaining([
        { serviceId: api.id, name: "app-api", hasUpdate: true, latestTag: "v2.4.0" },
        { serviceId: worker.id, name: "app-worker", hasUpdate: true, latestTag: "v2.4.0" },
      ]),
      summary: { checked: 2, withUpdates: 1 * 2, errors: 0 },
    });
  });

  it("never syncs one image twice at once", async () => {
    const { repo, image } = await setUp("latest");
    await pushOciImage(token, repo, "latest");
    const syncer = new ImageSyncer({ store: ctx.store, registries: ctx.registries, now: () => new Date() });
    const fresh = await ctx.store.images.get(image.id);
    if (!fresh) throw new Error("missing");
    const [a, b] = [syncer.sync(fresh), syncer.sync(fresh)];
    expect(a).toBe(b);
    await a;
  });
});
