import { type Clock, systemClock } from "../../registry/clock.js";
import type { DockerEngine } from "../../remote/docker-engine.js";
import type { NetworkProbe } from "../../remote/network-probe.js";
import { containerHealthAttempt } from "./container-health.js";
import type { HealthCheck } from "./health-check-schema.js";
import type { AttemptOutcome, HealthAttempt, HealthVerdict } from "./health-verdict.js";

/** Where a check looks: the server's engine and network view, and the service's container. */
export interface HealthTarget {
  engine: DockerEngine;
  probe: NetworkProbe;
  /** Container name or id, for `docker` checks. */
  container: string;
}

/**
 * Runs a health check until it passes, fails for good, or `retries` attempts have failed,
 * pausing `intervalMs` between attempts; `onAttempt` hears each attempt as it ends. Always
 * returns a verdict; an unhealthy service is an expected outcome, not an error.
 *
 * @example
 * const check = healthCheckSchema.parse({ kind: "http", url: "http://127.0.0.1:8080/" });
 * await runHealthCheck(check, { engine: host.engine, probe: host.probe, container: "web" })
 * // => { healthy: true, attempts: 2, durationMs: 2014, detail: "HTTP 200 from http://127.0.0.1:8080/" }
 */
export async function runHealthCheck(
  check: HealthCheck,
  target: HealthTarget,
  deps: { clock?: Clock; signal?: AbortSignal; onAttempt?: (attempt: HealthAttempt) => void } = {},
): Promise<HealthVerdict> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  let outcome: AttemptOutcome = { ok: false, detail: "not checked" };
  let attempts = 0;
  while (attempts < check.retries) {
    attempts++;
    outcome = await attempt(check, target);
    deps.onAttempt?.({ attempt: attempts, of: check.retries, ok: outcome.ok, detail: outcome.detail });
    if (outcome.ok || outcome.final === true || attempts >= check.retries) break;
    await clock.sleep(check.intervalMs);
    // A plan that is already rolling back has no use for the rest of this check.
    if (deps.signal?.aborted) {
      outcome = { ok: false, detail: `stopped waiting: ${String(deps.signal.reason ?? "aborted")}` };
      break;
    }
  }
  return { healthy: outcome.ok, attempts, durationMs: clock.now() - started, detail: outcome.detail };
}

async function attempt(check: HealthCheck, target: HealthTarget): Promise<AttemptOutcome> {
  try {
    switch (check.kind) {
      case "docker":
        return await containerHealthAttempt(target.engine, target.container);
      case "http":
        return await target.probe.http(check.url, check.timeoutMs);
      case "tcp":
        return await target.probe.tcp(check.host, check.port, check.timeoutMs);
    }
  } catch (error) {
    // A probe that cannot even run (engine unreachable) is a failed attempt, not a crash.
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
