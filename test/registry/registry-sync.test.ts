import { randomUUID } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { compareTagsNewestFirst, connectRegistry, RegistryError, testConnection } from "@bridgeport/core";
import {
  pushCosignSignature,
  pushDockerManifestList,
  pushDockerV2Image,
  pushOciImage,
  pushOciIndex,
  retag,
  startRegistry,
} from "@bridgeport/test/harness";
import { describe, expect, inject, it } from "vitest";
import { countingDeps, genericConnection, knownFrom, snapshot } from "./support.js";

const { basic, token } = inject("registries");
const repo = (name: string) => `sync/${name}-${randomUUID().slice(0, 8)}`;

describe.each([
  ["Basic (htpasswd)", basic],
  ["Bearer (token server)", token],
])("%s auth against the real registry", (_, registry) => {
  it("connects with the right password and names 401 for a wrong one", async () => {
    const { deps } = countingDeps();
    expect(await testConnection(genericConnection(registry), deps)).toEqual({ ok: true });
    const wrong = await testConnection(genericConnection(registry, registry.url, "not-the-password"), deps);
    expect(wrong).toMatchObject({ ok: false, status: 401 });
    expect(wrong.ok ? "" : wrong.error).toMatch(/^Connection test failed: Registry API error: 401/);
    expect(wrong.ok ? "" : wrong.error).not.toContain("not-the-password");

    const name = repo("auth");
    await pushOciImage(registry, name, "v1");
    const { client } = connectRegistry(genericConnection(registry, registry.url, "wrong"), deps);
    await expect(client.listTags(name)).rejects.toThrow("Registry API error: 401");
  });

  it("reads every manifest kind with correct digests, sizes and platforms", async () => {
    const name = repo("kinds");
    const oci = await pushOciImage(registry, name, "oci", {
      platform: "linux/arm64/v8",
      created: "2026-03-01T10:00:00Z",
    });
    const docker = await pushDockerV2Image(registry, name, "docker", { created: "2026-03-02T10:00:00Z" });
    const index = await pushOciIndex(
      registry,
      name,
      "index",
      ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"],
      {
        attestation: true,
      },
    );
    const list = await pushDockerManifestList(registry, name, "list", ["linux/amd64", "linux/arm/v7"]);
    await pushCosignSignature(registry, name, oci.digest, { kind: "sig" });
    await pushCosignSignature(registry, name, oci.digest, { kind: "att" });

    const { deps } = countingDeps();
    const snap = await snapshot(genericConnection(registry), deps, name);
    const byTag = Object.fromEntries(snap.tags.map((t) => [t.tag, t.digest]));
    expect(byTag).toEqual({ oci: oci.digest, docker: docker.digest, index: index.digest, list: list.digest });
    expect(snap.skipped.signatures).toBe(2);

    const details = Object.fromEntries(snap.newDigests.map((d) => [d.digest, d]));
    expect(details[oci.digest]).toMatchObject({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      configDigest: oci.configDigest,
      size: oci.size,
      platform: "linux/arm64/v8",
      created: new Date("2026-03-01T10:00:00Z"),
      platforms: [],
    });
    expect(details[docker.digest]).toMatchObject({
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      size: docker.size,
      platform: "linux/amd64",
      created: new Date("2026-03-02T10:00:00Z"),
    });
    for (const pushed of [index, list]) {
      const images = pushed.children.filter((c) => !c.attestation);
      const got = details[pushed.digest];
      expect(got?.mediaType).toBe(pushed.mediaType);
      expect(got?.size).toBe(images.reduce((sum, c) => sum + c.size, 0));
      expect(got?.platforms).toEqual(
        images.map((c) => ({
          os: c.platform.os,
          architecture: c.platform.architecture,
          variant: c.platform.variant ?? null,
          digest: c.digest,
          size: c.size,
        })),
      );
    }
    // The attestation entries are left out of the platforms.
    expect(details[index.digest]?.platforms.some((p) => p.os === "unknown")).toBe(false);
  });

  it("detects a tag re-pointed between two syncs with one HEAD per known tag and no GETs", async () => {
    const name = repo("repoint");
    const first = await pushOciImage(registry, name, "latest", { seed: "a" });
    await pushOciImage(registry, name, "v1", { seed: "a" });
    const { deps, events } = countingDeps();
    const conn = genericConnection(registry);
    const one = await snapshot(conn, deps, name);
    expect(one.tags).toEqual(
      expect.arrayContaining([
        { tag: "latest", digest: first.digest },
        { tag: "v1", digest: first.digest },
      ]),
    );
    expect(one.newDigests.map((d) => d.digest)).toEqual([first.digest]);

    const second = await pushOciImage(registry, name, "v2", { seed: "b" });
    await retag(registry, name, "latest", second.digest);
    events.length = 0;
    const two = await snapshot(conn, deps, name, { known: knownFrom(one) });
    expect(Object.fromEntries(two.tags.map((t) => [t.tag, t.digest]))).toEqual({
      latest: second.digest,
      v1: first.digest,
      v2: second.digest,
    });
    expect(two.newDigests.map((d) => d.digest)).toEqual([second.digest]);
    // latest and v1 are known tags: HEAD. v2 is new: one GET by tag, then its config.
    expect(events.filter((e) => e.kind === "head")).toHaveLength(2);
    expect(
      events.filter((e) => e.kind === "manifest"),
      JSON.stringify(events),
    ).toHaveLength(1);

    events.length = 0;
    const three = await snapshot(conn, deps, name, { known: knownFrom(two, knownFrom(one)) });
    expect(three.newDigests).toEqual([]);
    expect(events.filter((e) => e.kind === "manifest" || e.kind === "blob")).toHaveLength(0);
  });

  it("keeps its connection across HEAD requests: a warm re-sync opens no new ones", async () => {
    const name = repo("keepalive");
    await pushOciImage(registry, name, "latest", { seed: "k" });
    await pushOciImage(registry, name, "v1", { seed: "k" });
    const { deps } = countingDeps();
    const conn = genericConnection(registry);
    const known = knownFrom(await snapshot(conn, deps, name));
    const port = Number(new URL(registry.url).port);
    let connects = 0;
    const counted = (message: unknown) => {
      if ((message as { connectParams?: { port?: string } }).connectParams?.port === String(port)) connects++;
    };
    subscribe("undici:client:connected", counted);
    try {
      // Each warm re-sync is a tags list and one HEAD per known tag, all on the open connection.
      for (let n = 0; n < 5; n++) await snapshot(conn, deps, name, { known });
    } finally {
      unsubscribe("undici:client:connected", counted);
    }
    expect(connects).toBe(0);
  });

  it("keeps the newest tags, not the first in lexical order, when registryMaxTags cuts", async () => {
    const name = repo("maxtags");
    for (const tag of ["v1.9.0", "v1.10.0", "v1.2.0", "v2.0.0", "latest"])
      await pushOciImage(registry, name, tag);
    const { deps } = countingDeps();
    const snap = await snapshot(genericConnection(registry), deps, name, {
      maxTags: 3,
      newestFirst: compareTagsNewestFirst,
    });
    expect(snap.tags.map((t) => t.tag).sort()).toEqual(["latest", "v1.10.0", "v2.0.0"]);
    expect(snap.skipped.overMax).toBe(2);
  });
});

describe("Bearer token cache", () => {
  it("asks the token server once per repository scope, however many requests follow", async () => {
    const registry = await startRegistry({ auth: "token" });
    try {
      const names = [repo("tok-a"), repo("tok-b")];
      for (const name of names) for (const tag of ["a", "b", "c"]) await pushOciImage(registry, name, tag);
      registry.tokenIssuer?.clearRequests();
      const { deps, events } = countingDeps();
      const conn = genericConnection(registry);
      for (const name of names) {
        const one = await snapshot(conn, deps, name);
        await snapshot(conn, deps, name, { known: knownFrom(one) });
      }
      const scopes = (registry.tokenIssuer?.requests ?? []).map((r) => r.scope.join(" "));
      expect(scopes.sort()).toEqual(names.map((n) => `repository:${n}:pull`).sort());
      expect(events.filter((e) => e.kind === "token")).toHaveLength(2);
    } finally {
      await registry.stop();
    }
  });
});

describe("catalog", () => {
  it("lists every repository through the registry's own _catalog pagination", async () => {
    const registry = await startRegistry({ auth: "htpasswd" });
    try {
      const names = Array.from({ length: 7 }, (_, i) => `cat/app-${i}`);
      for (const name of names) await pushOciImage(registry, name, "v1");
      const { deps, events } = countingDeps();
      const { client } = connectRegistry(genericConnection(registry), deps);
      expect((await client.catalog({ pageSize: 3 })).sort()).toEqual(names);
      expect(events.filter((e) => e.kind === "catalog" && e.status === 200)).toHaveLength(3);
    } finally {
      await registry.stop();
    }
  });
});

describe("errors", () => {
  it("a missing repository is a RegistryError with the OCI error code", async () => {
    const { deps } = countingDeps();
    const { client } = connectRegistry(genericConnection(basic), deps);
    const error = await client.listTags("sync/does-not-exist").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({
      status: 404,
      temporary: false,
      codes: [expect.objectContaining({ code: "NAME_UNKNOWN" })],
    });
  });
});
