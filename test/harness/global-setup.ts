import type { TestProject } from "vitest/node";
import { serveKubernetesOnDemand } from "./kubernetes-on-demand.js";
import "./provided-context.js";
import { startRegistry } from "./registry.js";

interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Vitest global set-up of the integration project: starts the shared components once,
 * hands their connection info to tests through `inject(...)`, and stops them afterwards.
 * Tests that need a component to themselves (token request counts, notifications, faults)
 * start their own with the harness instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const running: Stoppable[] = [];
  const teardown = async () => {
    const results = await Promise.allSettled(
      running
        .splice(0)
        .reverse()
        .map((component) => component.stop()),
    );
    const failures = results.filter((result) => result.status === "rejected");
    if (failures.length > 0) {
      throw new AggregateError(
        failures.map((failure) => failure.reason),
        "harness teardown failed",
      );
    }
  };

  try {
    // --- Registries -----------------------------------------------------------------------
    const [basic, token] = await startTogether(running, [
      startRegistry({ auth: "htpasswd" }),
      startRegistry({ auth: "token" }),
    ]);
    project.provide("registries", { basic: basic.info(), token: token.info() });

    // --- Kubernetes control plane: started by the first test file that asks for it ------------
    const [kubernetes] = await startTogether(running, [serveKubernetesOnDemand()]);
    project.provide("kubernetes", kubernetes.info());

    // --- Other components (sshd, dockerd hosts) start here with startTogether(running, ...)
    // --- and provide their connection info under their own key (see provided-context.ts).
  } catch (error) {
    await teardown().catch(() => undefined);
    throw error;
  }
  return teardown;
}

/**
 * Waits for every start to settle (so none is left running unseen), records the started
 * components in `running` for teardown, then fails with the first error if any start failed.
 */
async function startTogether<const T extends readonly Promise<Stoppable>[]>(
  running: Stoppable[],
  starts: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(starts);
  for (const result of results) if (result.status === "fulfilled") running.push(result.value);
  const failure = results.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<Stoppable>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}
