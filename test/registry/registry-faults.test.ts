import { randomUUID } from "node:crypto";
import { connectRegistry, RegistryError } from "@bridgeport/core";
import { type FaultProxy, pushManyTags, pushOciImage, startFaultProxy } from "@bridgeport/test/harness";
import { afterEach, describe, expect, inject, it } from "vitest";
import { countingDeps, genericConnection, snapshot } from "./support.js";

const { basic, token } = inject("registries");
const repo = (name: string) => `faults/${name}-${randomUUID().slice(0, 8)}`;

let proxy: FaultProxy | null = null;
afterEach(async () => {
  await proxy?.stop();
  proxy = null;
});

async function repoWithTags(count: number) {
  const name = repo("r");
  for (let i = 0; i < count; i++) await pushOciImage(basic, name, `t${i}`);
  proxy = await startFaultProxy(basic.url);
  return { name, proxy, conn: genericConnection(basic, proxy.url) };
}

describe("pagination", () => {
  it("follows Link headers through 1,500 tags with a small page size", async () => {
    const name = repo("many");
    const pushed = await pushManyTags(token, name, 1_500, { concurrency: 16 });
    proxy = await startFaultProxy(token.url, { paginateTags: true });
    const { deps } = countingDeps();
    const { client } = connectRegistry(genericConnection(token, proxy.url), deps);
    const tags = await client.listTags(name, { pageSize: 100 });
    expect(tags).toHaveLength(1_500);
    expect(new Set(tags)).toEqual(new Set(pushed.map((p) => p.tag)));
    const pages = proxy.requests.filter((r) => r.path.includes("/tags/list") && r.status === 200);
    expect(pages).toHaveLength(15);
    expect(pages[1]?.path).toMatch(/last=/);
  });
});

describe("faults from the proxy", () => {
  it("waits out Retry-After: no request reaches the host before it expires", async () => {
    const { name, proxy, conn } = await repoWithTags(3);
    proxy.inject({
      match: { pathIncludes: "/tags/list" },
      times: 1,
      fault: { kind: "status", status: 429, headers: { "Retry-After": "2" } },
    });
    const { deps } = countingDeps();
    const snap = await snapshot(conn, deps, name);
    expect(snap.tags).toHaveLength(3);
    const limited = proxy.requests.findIndex((r) => r.faulted === "status 429");
    const next = proxy.requests[limited + 1];
    expect(next).toBeDefined();
    expect((next?.at ?? 0) - (proxy.requests[limited]?.at ?? 0)).toBeGreaterThanOrEqual(2_000);
  });

  it("holds the whole host during Retry-After, not just the request that got the 429", async () => {
    const { name, proxy, conn } = await repoWithTags(30);
    // Tags resolve newest first (t9, t8, ...): the very first manifest request is limited.
    proxy.inject({
      match: { method: "GET", pathIncludes: "/manifests/t9" },
      times: 1,
      fault: { kind: "status", status: 429, headers: { "Retry-After": "1" } },
    });
    const { deps } = countingDeps();
    const snap = await snapshot(conn, deps, name, { concurrency: 2 });
    expect(snap.tags).toHaveLength(30);
    const at429 = proxy.requests.find((r) => r.faulted === "status 429")?.at ?? 0;
    // Requests already on the wire may land just after; nothing new starts inside the window.
    const inWindow = proxy.requests.filter((r) => r.at > at429 + 100 && r.at < at429 + 1_000);
    expect(inWindow).toEqual([]);
  });

  it.each([
    ["500", { kind: "status", status: 500 } as const],
    ["503 without Retry-After", { kind: "status", status: 503 } as const],
    ["a dropped connection", { kind: "drop" } as const],
    ["a slow response beyond the timeout", { kind: "delay", ms: 1_500 } as const],
  ])("retries %s and completes", async (_, fault) => {
    const { name, proxy, conn } = await repoWithTags(4);
    proxy.inject({ match: { pathIncludes: "/manifests/t2" }, times: 1, fault });
    const { deps, events } = countingDeps({ timeoutMs: 1_000 });
    const snap = await snapshot(conn, deps, name);
    expect(snap.tags.map((t) => t.tag).sort()).toEqual(["t0", "t1", "t2", "t3"]);
    expect(events.some((e) => e.attempt > 0)).toBe(true);
  });

  it("a sync that cannot finish throws and returns no partial digest list", async () => {
    const { name, proxy, conn } = await repoWithTags(6);
    proxy.inject({
      match: { pathIncludes: "/manifests/t4" },
      times: Number.POSITIVE_INFINITY,
      fault: { kind: "status", status: 502 },
    });
    const { deps } = countingDeps({ maxAttempts: 3 });
    const outcome = await snapshot(conn, deps, name).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    expect("value" in outcome).toBe(false);
    const error = "error" in outcome ? outcome.error : null;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ status: 502, temporary: true });
    expect(String((error as Error).message)).toContain("Registry API error: 502");
    expect(proxy.requests.filter((r) => r.path.includes("/manifests/t4"))).toHaveLength(3);
  });

  it("a host that never answers fails within the timeout as a temporary error", async () => {
    const { name, proxy, conn } = await repoWithTags(2);
    proxy.inject({ times: Number.POSITIVE_INFINITY, fault: { kind: "hang" } });
    const { deps } = countingDeps({ timeoutMs: 300, maxAttempts: 2 });
    const started = Date.now();
    const error = await snapshot(conn, deps, name).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toMatchObject({ status: 0, temporary: true });
    expect(String((error as Error).message)).toMatch(/did not answer within/);
  });
});
