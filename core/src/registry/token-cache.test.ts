import { describe, expect, it } from "vitest";
import { ContentCache } from "./config-cache.js";
import { HostGate } from "./host-gate.js";
import { TokenCache } from "./token-cache.js";

function manualClock(start = 1_000_000) {
  let now = start;
  const advance = (ms: number) => {
    now += ms;
  };
  return { now: () => now, advance, sleep: async (ms: number) => advance(ms) };
}

describe("TokenCache", () => {
  it("reuses a token until shortly before expires_in, then fetches again", async () => {
    const clock = manualClock();
    const cache = new TokenCache(clock);
    let fetches = 0;
    const fetch = async () => ({ token: `t${++fetches}`, expiresInS: 300 });
    expect(await cache.get("k", fetch)).toBe("t1");
    clock.advance(250_000);
    expect(await cache.get("k", fetch)).toBe("t1");
    clock.advance(45_000); // 295 s: inside the renewal margin
    expect(await cache.get("k", fetch)).toBe("t2");
    expect(fetches).toBe(2);
  });

  it("shares one request between concurrent misses", async () => {
    const cache = new TokenCache(manualClock());
    let fetches = 0;
    const fetch = () =>
      new Promise<{ token: string; expiresInS: number }>((r) =>
        setTimeout(() => r({ token: `t${++fetches}`, expiresInS: 60 }), 5),
      );
    const tokens = await Promise.all(Array.from({ length: 20 }, () => cache.get("k", fetch)));
    expect(new Set(tokens)).toEqual(new Set(["t1"]));
    expect(fetches).toBe(1);
  });

  it("keeps scopes apart and forgets an invalidated token", async () => {
    const cache = new TokenCache(manualClock());
    let n = 0;
    const fetch = async () => ({ token: `t${++n}`, expiresInS: 60 });
    expect(await cache.get("a", fetch)).toBe("t1");
    expect(await cache.get("b", fetch)).toBe("t2");
    cache.invalidate("a");
    expect(await cache.get("a", fetch)).toBe("t3");
  });
});

describe("HostGate", () => {
  it("never runs more than the limit at once per host", async () => {
    const gate = new HostGate({ now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }, 3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const release = await gate.acquire("h");
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        release();
      }),
    );
    expect(peak).toBe(3);
  });

  it("holds new requests while a host is paused", async () => {
    const clock = manualClock(0);
    const gate = new HostGate(clock, 4);
    gate.pause("h", 2000);
    (await gate.acquire("h"))();
    expect(clock.now()).toBeGreaterThanOrEqual(2000);
    (await gate.acquire("other"))();
    expect(clock.now()).toBe(2000);
  });
});

describe("ContentCache", () => {
  it("loads a digest once and evicts the eldest beyond its size", async () => {
    const cache = new ContentCache<number>(2);
    let loads = 0;
    const load = async () => ++loads;
    await cache.get("a", load);
    await cache.get("a", load);
    await cache.get("b", load);
    await cache.get("c", load);
    await cache.get("a", load);
    expect(loads).toBe(4);
  });
});
