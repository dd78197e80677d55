import type { DockerEngine } from "../../remote/docker-engine.js";
import { inspectContainer } from "../../remote/docker-inspect.js";
import type { AttemptOutcome } from "./health-verdict.js";

/**
 * One look at a container's own HEALTHCHECK status. "healthy" passes, "unhealthy" fails for
 * good, "starting" is another round; a stopped container or one without a HEALTHCHECK fails at
 * once, since waiting cannot change either.
 */
export async function containerHealthAttempt(
  engine: DockerEngine,
  container: string,
): Promise<AttemptOutcome> {
  const inspected = await inspectContainer(engine, container);
  if (inspected === null) return { ok: false, final: true, detail: `container ${container} does not exist` };
  const { State: state } = inspected;
  if (!state.Running) {
    return {
      ok: false,
      final: true,
      detail: `container ${container} is ${state.Status} (exit code ${state.ExitCode ?? "unknown"})`,
    };
  }
  const health = state.Health;
  if (health == null) return { ok: false, final: true, detail: `container ${container} has no HEALTHCHECK` };
  switch (health.Status) {
    case "healthy":
      return { ok: true, detail: `container ${container} is healthy` };
    case "unhealthy":
      return {
        ok: false,
        final: true,
        detail: `container ${container} is unhealthy after ${health.FailingStreak ?? "?"} failed probes${lastOutput(health.Log)}`,
      };
    default:
      return { ok: false, detail: `container ${container} health is ${health.Status}` };
  }
}

function lastOutput(
  log: readonly { ExitCode?: number | undefined; Output?: string | undefined }[] | null | undefined,
): string {
  const last = log?.at(-1);
  if (last === undefined) return "";
  const output = (last.Output ?? "").trim().slice(0, 300);
  return `; last probe exited ${last.ExitCode ?? "?"}${output === "" ? "" : `: ${output}`}`;
}
