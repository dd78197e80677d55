import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import {
  createPushClient,
  type FaultProxy,
  manifestAccept,
  parseAuthChallenge,
  pushOciImage,
  startFaultProxy,
} from "./index.js";

const { basic, token } = inject("registries");
const authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString("base64")}`;

describe("fault proxy in front of the basic registry", () => {
  let proxy: FaultProxy;
  const get = (path: string, method: "GET" | "HEAD" = "GET") =>
    request(`${proxy.url}${path}`, { method, headers: { authorization, accept: manifestAccept } });
  const statusOf = async (path: string, method: "GET" | "HEAD" = "GET") => {
    const response = await get(path, method);
    await response.body.dump();
    return response.statusCode;
  };

  beforeAll(async () => {
    proxy = await startFaultProxy(basic.url);
  });
  afterAll(async () => {
    await proxy.stop();
  });
  beforeEach(() => proxy.clear());

  it("forwards requests with their Authorization and logs them", async () => {
    expect(await statusOf("/v2/")).toBe(200);
    const unauthenticated = await request(`${proxy.url}/v2/`);
    await unauthenticated.body.dump();
    expect(unauthenticated.statusCode).toBe(401);
    expect(proxy.requests).toMatchObject([
      { method: "GET", path: "/v2/", status: 200 },
      { method: "GET", path: "/v2/", status: 401 },
    ]);
    expect(proxy.requests.every((entry) => entry.faulted === undefined && entry.at <= Date.now())).toBe(true);
  });

  it.each([
    [429, { "retry-after": "2" }],
    [500, {}],
    [503, {}],
  ] as const)("injects a %i once, then forwards again", async (status, headers) => {
    proxy.inject({ times: 1, fault: { kind: "status", status, headers } });
    const faulted = await get("/v2/");
    await faulted.body.dump();
    expect(faulted.statusCode).toBe(status);
    expect(faulted.headers).toMatchObject(headers);
    expect(await statusOf("/v2/")).toBe(200);
    expect(proxy.requests.map((entry) => entry.faulted)).toEqual([`status ${status}`, undefined]);
  });

  it("drop closes the connection without an answer", async () => {
    proxy.inject({ times: 1, fault: { kind: "drop" } });
    await expect(get("/v2/")).rejects.toThrow(/other side closed|socket/i);
    expect(await statusOf("/v2/")).toBe(200);
    expect(proxy.requests.map((entry) => entry.faulted)).toEqual(["drop", undefined]);
  });

  it("delay holds the request, then forwards it", async () => {
    proxy.inject({ times: 1, fault: { kind: "delay", ms: 300 } });
    const started = performance.now();
    expect(await statusOf("/v2/")).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(proxy.requests).toMatchObject([{ faulted: "delay 300ms", status: 200 }]);
  });

  it("matches by method and path, for the given number of times", async () => {
    await pushOciImage(
      { url: basic.url, username: basic.username, password: basic.password },
      "proxy/match",
      "v1",
    );
    const fault = proxy.inject({
      match: { method: "head", pathIncludes: "/manifests/" },
      times: 2,
      fault: { kind: "status", status: 503 },
    });
    const statuses = [
      await statusOf("/v2/proxy/match/manifests/v1", "GET"),
      await statusOf("/v2/proxy/match/tags/list", "HEAD"),
      await statusOf("/v2/proxy/match/manifests/v1", "HEAD"),
      await statusOf("/v2/proxy/match/manifests/v1", "HEAD"),
      await statusOf("/v2/proxy/match/manifests/v1", "HEAD"),
    ];
    // HEAD is not allowed on tags/list (405): forwarded, since the path does not match.
    expect(statuses).toEqual([200, 405, 503, 503, 200]);
    expect(fault.remaining).toBe(0);
  });

  it("hang never answers, and stop() frees the waiting client", async () => {
    const own = await startFaultProxy(basic.url);
    own.inject({ times: 1, fault: { kind: "hang" } });
    const hanging = request(`${own.url}/v2/`, { headers: { authorization } });
    const timedOut = request(`${own.url}/v2/`, { headers: { authorization }, headersTimeout: 200 });
    own.inject({ times: 1, fault: { kind: "hang" } });
    await expect(timedOut).rejects.toThrow(/timeout/i);
    const stopping = performance.now();
    await own.stop();
    await expect(hanging).rejects.toThrow();
    expect(performance.now() - stopping).toBeLessThan(2_000);
    expect(own.requests.map((entry) => entry.faulted)).toEqual(["hang", "hang"]);
  });
});

describe("fault proxy in front of the token registry", () => {
  it("rewrites the upload Location to itself but leaves the token realm alone", async () => {
    const proxy = await startFaultProxy(token.url);
    try {
      const target = { url: proxy.url, username: token.username, password: token.password };
      const pushed = await pushOciImage(target, "proxy/push", "v1");
      expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

      const started = await createPushClient(target).request({
        method: "POST",
        repo: "proxy/push",
        path: "/v2/proxy/push/blobs/uploads/",
        actions: "pull,push",
      });
      await started.body.dump();
      expect(String(started.headers.location)).toMatch(
        new RegExp(`^${proxy.url}/v2/proxy/push/blobs/uploads/`),
      );

      const ping = await request(`${proxy.url}/v2/`);
      await ping.body.dump();
      expect(parseAuthChallenge(String(ping.headers["www-authenticate"]))?.params.realm).toBe(
        token.tokenRealm,
      );
      expect(proxy.requests.some((entry) => entry.path.startsWith("/token"))).toBe(false);
      expect(
        proxy.requests.some((entry) => entry.method === "PUT" && entry.path.includes("/blobs/uploads/")),
      ).toBe(true);
    } finally {
      await proxy.stop();
    }
  });
});
