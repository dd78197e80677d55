import type { DockerHost } from "../remote/index.js";
import { inspectContainer } from "../remote/index.js";
import type { HealthCheckDefinition } from "../store/index.js";
import { type HealthVerdict, healthCheckSchema, runHealthCheck } from "./health/index.js";

/**
 * A service's health after a change: its configured check; without one, the container's own
 * HEALTHCHECK when its image has one; otherwise it must still be running after `settleMs`.
 */
export async function checkServiceHealth(
  host: DockerHost,
  container: string,
  definition: HealthCheckDefinition | null,
  settleMs = 1_000,
  signal?: AbortSignal,
): Promise<HealthVerdict> {
  const started = Date.now();
  const target = { engine: host.engine, probe: host.probe, container };
  const options = signal ? { signal } : {};
  if (definition) {
    return runHealthCheck(healthCheckSchema.parse(definition), target, options);
  }
  const inspected = await inspectContainer(host.engine, container);
  if (inspected?.Config.Healthcheck?.Test && inspected.Config.Healthcheck.Test[0] !== "NONE") {
    return runHealthCheck(healthCheckSchema.parse({ kind: "docker" }), target, options);
  }
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const after = await inspectContainer(host.engine, container);
  const running = after?.State.Running === true;
  return {
    healthy: running,
    attempts: 1,
    durationMs: Date.now() - started,
    detail: running
      ? `container ${container} is running`
      : `container ${container} is ${after?.State.Status ?? "gone"}`,
  };
}
