import { describe, expect, it } from "vitest";
import { parseAuthChallenge } from "./auth-challenge.js";
import { mapWithConcurrency } from "./concurrency.js";
import { describeFault, FaultRules } from "./fault-rules.js";
import { parsePlatform } from "./image-build.js";
import { OutputRing } from "./output-ring.js";
import { parseScope, requestedScopes } from "./token-scope.js";
import { parseBasicAuth } from "./users.js";

describe("parseAuthChallenge", () => {
  it.each([
    ['Basic realm="Registry Realm"', { scheme: "basic", params: { realm: "Registry Realm" } }],
    [
      'Bearer realm="http://127.0.0.1:1/token",service="reg",scope="repository:a/b:pull,push"',
      {
        scheme: "bearer",
        params: { realm: "http://127.0.0.1:1/token", service: "reg", scope: "repository:a/b:pull,push" },
      },
    ],
    [
      'bearer Realm=https://auth, error="insufficient_scope"',
      { scheme: "bearer", params: { realm: "https://auth", error: "insufficient_scope" } },
    ],
    ["", null],
  ])("%j", (header, expected) => {
    expect(parseAuthChallenge(header)).toEqual(expected);
  });
});

describe("token scopes", () => {
  it.each([
    ["repository:team/app:pull,push", { type: "repository", name: "team/app", actions: ["pull", "push"] }],
    ["repository:host:5000/app:pull", { type: "repository", name: "host:5000/app", actions: ["pull"] }],
    ["registry:catalog:*", { type: "registry", name: "catalog", actions: ["*"] }],
    ["repository:app:", { type: "repository", name: "app", actions: [] }],
    ["repository:pull", null],
    ["nonsense", null],
  ])("parseScope(%j)", (text, expected) => {
    expect(parseScope(text)).toEqual(expected);
  });

  it("reads repeated and space-separated scope parameters", () => {
    const params = new URLSearchParams("scope=repository:a:pull repository:b:push&scope=registry:catalog:*");
    expect(requestedScopes(params)).toEqual(["repository:a:pull", "repository:b:push", "registry:catalog:*"]);
  });
});

describe("parseBasicAuth", () => {
  it.each([
    [`Basic ${Buffer.from("alice:pa:ss").toString("base64")}`, { username: "alice", password: "pa:ss" }],
    [`basic ${Buffer.from("bob:").toString("base64")}`, { username: "bob", password: "" }],
    [`Basic ${Buffer.from("no-colon").toString("base64")}`, null],
    ["Bearer abc", null],
    [undefined, null],
  ])("%j", (header, expected) => {
    expect(parseBasicAuth(header)).toEqual(expected);
  });
});

describe("parsePlatform", () => {
  it.each([
    ["linux/amd64", { os: "linux", architecture: "amd64" }],
    ["linux/arm64/v8", { os: "linux", architecture: "arm64", variant: "v8" }],
  ])("%s", (text, expected) => {
    expect(parsePlatform(text)).toEqual(expected);
  });

  it.each(["linux", "linux/arm/v7/extra", "/amd64"])("rejects %j", (text) => {
    expect(() => parsePlatform(text)).toThrow(/os\/arch/);
  });
});

describe("FaultRules", () => {
  it("applies the first matching rule, counts down its times, then lets requests through", () => {
    const rules = new FaultRules();
    const manifests = rules.add({
      match: { method: "head", pathIncludes: "/manifests/" },
      times: 2,
      fault: { kind: "drop" },
    });
    rules.add({ times: 1, fault: { kind: "hang" } });
    expect(rules.take("HEAD", "/v2/a/manifests/v1")).toEqual({ kind: "drop" });
    expect(rules.take("GET", "/v2/a/manifests/v1")).toEqual({ kind: "hang" });
    expect(rules.take("GET", "/v2/")).toBeNull();
    expect(rules.take("HEAD", "/v2/a/manifests/v2")).toEqual({ kind: "drop" });
    expect(manifests.remaining).toBe(0);
    expect(rules.take("HEAD", "/v2/a/manifests/v3")).toBeNull();
  });

  it("rejects zero times and clears pending rules", () => {
    const rules = new FaultRules();
    expect(() => rules.add({ times: 0, fault: { kind: "drop" } })).toThrow(/at least 1/);
    rules.add({ times: Number.POSITIVE_INFINITY, fault: { kind: "delay", ms: 5 } });
    expect(rules.take("GET", "/")).toEqual({ kind: "delay", ms: 5 });
    rules.clear();
    expect(rules.take("GET", "/")).toBeNull();
  });

  it.each([
    [{ kind: "status", status: 429 } as const, "status 429"],
    [{ kind: "delay", ms: 200 } as const, "delay 200ms"],
    [{ kind: "drop" } as const, "drop"],
    [{ kind: "hang" } as const, "hang"],
  ])("describes %j as %j", (fault, label) => {
    expect(describeFault(fault)).toBe(label);
  });
});

describe("OutputRing", () => {
  it("keeps only the newest bytes and says how many were dropped", () => {
    const ring = new OutputRing(10);
    ring.push(Buffer.from("12345"));
    ring.push(Buffer.from("67890"));
    expect(ring.text()).toBe("1234567890");
    ring.push(Buffer.from("abc"));
    expect(ring.text()).toBe("[5 earlier bytes dropped]\n67890abc");
    ring.push(Buffer.from("0123456789XYZ"));
    expect(ring.text()).toBe("[16 earlier bytes dropped]\n3456789XYZ");
  });
});

describe("mapWithConcurrency", () => {
  it("keeps order and never exceeds the limit", async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (value) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, value));
      inFlight--;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });

  it("rejects with the first failure and starts nothing after it", async () => {
    const started: number[] = [];
    const run = mapWithConcurrency([1, 2, 3, 4], 1, async (value) => {
      started.push(value);
      if (value === 2) throw new Error("boom");
      return value;
    });
    await expect(run).rejects.toThrow("boom");
    expect(started).toEqual([1, 2]);
  });
});
