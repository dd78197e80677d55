import type { DockerHost } from "../remote/index.js";
import { inspectContainer } from "../remote/index.js";
import type { HealthCheckDefinition } from "../store/index.js";
import { type HealthAttempt, type HealthVerdict, healthCheckSchema, runHealthCheck } from "./health/index.js";

export interface ServiceHealthOptions {
  /** How long a service without any health check must stay running. Default 1 s. */
  settleMs?: number;
  /** Ends the waiting early (the plan is rolling back anyway). */
  signal?: AbortSignal;
  /** Hears each attempt as it ends. */
  onAttempt?: (attempt: HealthAttempt) => void;
}

/**
 * A service's health after a change: its configured check; without one, the container's own
 * HEALTHCHECK when its image has one; otherwise it must still be running after `settleMs`.
 *
 * @example
 * await checkServiceHealth(host, "web", { kind: "http", url: "http://127.0.0.1:8080/", ... })
 * // => { healthy: true, attempts: 1, durationMs: 12, detail: "HTTP 200 from http://127.0.0.1:8080/" }
 */
export async function checkServiceHealth(
  host: DockerHost,
  container: string,
  definition: HealthCheckDefinition | null,
  options: ServiceHealthOptions = {},
): Promise<HealthVerdict> {
  const started = Date.now();
  const target = { engine: host.engine, probe: host.probe, container };
  const { settleMs = 1_000, ...check } = options;
  if (definition) {
    return runHealthCheck(healthCheckSchema.parse(definition), target, check);
  }
  const inspected = await inspectContainer(host.engine, container);
  if (inspected?.Config.Healthcheck?.Test && inspected.Config.Healthcheck.Test[0] !== "NONE") {
    return runHealthCheck(healthCheckSchema.parse({ kind: "docker" }), target, check);
  }
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const after = await inspectContainer(host.engine, container);
  const running = after?.State.Running === true;
  const detail = running
    ? `container ${container} is running`
    : `container ${container} is ${after?.State.Status ?? "gone"}`;
  options.onAttempt?.({ attempt: 1, of: 1, ok: running, detail });
  return { healthy: running, attempts: 1, durationMs: Date.now() - started, detail };
}
