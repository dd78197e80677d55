import { describe, expect, it } from "vitest";
import type { Clock } from "../../registry/clock.js";
import type { DockerEngine } from "../../remote/docker-engine.js";
import type { NetworkProbe, ProbeOutcome } from "../../remote/network-probe.js";
import { healthCheckSchema } from "./health-check-schema.js";
import { runHealthCheck } from "./run-health-check.js";

/** A clock whose sleeps only move its own time forward. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 1_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** A probe answering from a script, one outcome per attempt (the last one repeats). */
function scriptedProbe(outcomes: (ProbeOutcome | Error)[]): NetworkProbe & { calls: number } {
  const probe = {
    calls: 0,
    async next(): Promise<ProbeOutcome> {
      const outcome = outcomes[Math.min(probe.calls, outcomes.length - 1)];
      probe.calls++;
      if (outcome instanceof Error) throw outcome;
      return outcome ?? { ok: false, detail: "no script" };
    },
    tcp: () => probe.next(),
    http: () => probe.next(),
  };
  return probe;
}

const up = { ok: true, detail: "HTTP 200" };
const down = { ok: false, detail: "HTTP 503" };
const engine = {} as DockerEngine;

describe("runHealthCheck", () => {
  it.each([
    { script: [up], retries: 3, healthy: true, attempts: 1, sleeps: [], detail: "HTTP 200" },
    {
      script: [down, down, up],
      retries: 5,
      healthy: true,
      attempts: 3,
      sleeps: [250, 250],
      detail: "HTTP 200",
    },
    { script: [down], retries: 3, healthy: false, attempts: 3, sleeps: [250, 250], detail: "HTTP 503" },
    {
      script: [new Error("engine gone"), up],
      retries: 2,
      healthy: true,
      attempts: 2,
      sleeps: [250],
      detail: "HTTP 200",
    },
    {
      script: [new Error("engine gone")],
      retries: 2,
      healthy: false,
      attempts: 2,
      sleeps: [250],
      detail: "engine gone",
    },
  ])("$script.length scripted answers, $retries retries -> healthy $healthy after $attempts", async (row) => {
    const clock = fakeClock();
    const probe = scriptedProbe(row.script);
    const check = healthCheckSchema.parse({
      kind: "http",
      url: "http://127.0.0.1/",
      retries: row.retries,
      intervalMs: 250,
    });
    const verdict = await runHealthCheck(check, { engine, probe, container: "web" }, { clock });
    expect(verdict).toEqual({
      healthy: row.healthy,
      attempts: row.attempts,
      durationMs: row.sleeps.reduce((sum, ms) => sum + ms, 0),
      detail: row.detail,
    });
    expect(clock.sleeps).toEqual(row.sleeps);
  });

  it("reports every attempt as it ends: its number, of how many, ok and what it saw", async () => {
    const seen: unknown[] = [];
    const check = healthCheckSchema.parse({
      kind: "http",
      url: "http://127.0.0.1/",
      retries: 4,
      intervalMs: 250,
    });
    await runHealthCheck(
      check,
      { engine, probe: scriptedProbe([down, new Error("refused"), up]), container: "web" },
      { clock: fakeClock(), onAttempt: (attempt) => seen.push(attempt) },
    );
    expect(seen).toEqual([
      { attempt: 1, of: 4, ok: false, detail: "HTTP 503" },
      { attempt: 2, of: 4, ok: false, detail: "refused" },
      { attempt: 3, of: 4, ok: true, detail: "HTTP 200" },
    ]);
  });

  it("asks the probe for the configured TCP host, port and timeout", async () => {
    const seen: unknown[] = [];
    const probe: NetworkProbe = {
      tcp: async (...args) => {
        seen.push(args);
        return up;
      },
      http: async () => down,
    };
    const check = healthCheckSchema.parse({ kind: "tcp", host: "db", port: 5432, timeoutMs: 700 });
    await runHealthCheck(check, { engine, probe, container: "web" }, { clock: fakeClock() });
    expect(seen).toEqual([["db", 5432, 700]]);
  });
});
