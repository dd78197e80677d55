import { assertContainerName, nextName, previousName } from "./container-name.js";
import { parseDigestReference } from "./digest-reference.js";
import type { DockerEngine } from "./docker-engine.js";
import { inspectContainer, inspectImage } from "./docker-inspect.js";
import { createdSchema } from "./docker-schemas.js";
import { replacementConfig } from "./replacement-config.js";

export class ContainerReplaceError extends Error {
  override readonly name = "ContainerReplaceError";
}

/**
 * A replacement in progress: the new container runs under the service's name, the previous one
 * is stopped under `<name>.bridgeport-previous`. Exactly one of `commit` and `rollback` ends it.
 */
export interface ContainerReplacement {
  name: string;
  containerId: string;
  previousId: string;
  /** Removes the previous container: the replacement proved healthy. */
  commit(): Promise<void>;
  /** Removes the replacement and brings the previous container back under its name. */
  rollback(): Promise<void>;
}

export interface ReplaceOptions {
  /** Seconds the old container gets to stop before it is killed. Default 10. */
  stopTimeoutSeconds?: number;
}

/**
 * Replaces a container with one running `reference` (a digest reference already pulled),
 * keeping its configuration (see {@link replacementConfig}). The replacement is created first, so
 * a bad configuration fails before the running container is touched. Then the old one is renamed
 * to `<name>.bridgeport-previous`, its restart policy parked at "no" (so a daemon restart cannot
 * start it next to its replacement) and stopped, and the replacement takes the name and starts.
 * If any of that fails, the old container is restored before the error is thrown.
 *
 * Recovery rule: a `<name>.bridgeport-previous` left by an interrupted run is the last container
 * known to be good, so the unfinished replacement is undone first (see {@link recoverReplacement})
 * and this replacement starts from the restored container. The old container is renamed before
 * it is stopped, so a run cut off at any later point, even while a slow `docker stop` is still
 * running out on the server, leaves that mark behind, and the recovery starts it again.
 *
 * @example
 * const replacement = await replaceContainer(host.engine, "web", "r.example.com/web@sha256:...");
 * const verdict = await runHealthCheck(...);
 * await (verdict.healthy ? replacement.commit() : replacement.rollback());
 */
export async function replaceContainer(
  engine: DockerEngine,
  name: string,
  reference: string,
  options: ReplaceOptions = {},
): Promise<ContainerReplacement> {
  assertContainerName(name);
  const ref = parseDigestReference(reference);
  const stopSeconds = options.stopTimeoutSeconds ?? 10;
  await recoverReplacement(engine, name);
  const current = await inspectContainer(engine, name);
  if (current === null) throw new ContainerReplaceError(`no container named "${name}" on ${engine.label}`);
  const oldImage = await inspectImage(engine, current.Image);
  const spec = replacementConfig(current, oldImage, ref.reference);
  const created = await engine.json("POST", "/containers/create", createdSchema, {
    query: { name: nextName(name) },
    body: spec.body,
  });
  try {
    for (const { network, endpoint } of spec.extraNetworks) {
      await engine.call("POST", `/networks/${encodeURIComponent(network)}/connect`, {
        body: { Container: created.Id, EndpointConfig: endpoint },
      });
    }
  } catch (error) {
    await removeContainer(engine, created.Id).catch(() => undefined);
    throw error;
  }
  const wasRunning = current.State.Running;
  try {
    await rename(engine, current.Id, previousName(name));
    await setRestartPolicy(engine, current.Id, { Name: "no" });
    await stopContainer(engine, current.Id, stopSeconds);
    await rename(engine, created.Id, name);
    await engine.call("POST", `/containers/${created.Id}/start`, { accept: [304] });
  } catch (error) {
    await rollbackReplacement(engine, name, { start: wasRunning }).catch(() => undefined);
    throw new ContainerReplaceError(`replacing "${name}" failed, the previous container was restored`, {
      cause: error,
    });
  }
  return {
    name,
    containerId: created.Id,
    previousId: current.Id,
    commit: () => commitReplacement(engine, name),
    rollback: () => rollbackReplacement(engine, name, { start: wasRunning }),
  };
}

/**
 * Ends a replacement for good by removing `<name>.bridgeport-previous` (its volumes stay).
 *
 * @example
 * await commitReplacement(host.engine, "web");
 */
export async function commitReplacement(engine: DockerEngine, name: string): Promise<void> {
  assertContainerName(name);
  await removeContainer(engine, previousName(name));
}

/**
 * Undoes a replacement: the replacement (under the name, or still `.bridgeport-next`) is removed
 * and `<name>.bridgeport-previous` gets its name, restart policy and running state back.
 *
 * @example
 * await rollbackReplacement(host.engine, "web");
 */
export async function rollbackReplacement(
  engine: DockerEngine,
  name: string,
  options: { start?: boolean } = {},
): Promise<void> {
  assertContainerName(name);
  const previous = await inspectContainer(engine, previousName(name));
  if (previous === null)
    throw new ContainerReplaceError(`"${name}" has no previous container to roll back to`);
  const replacement =
    (await inspectContainer(engine, name)) ?? (await inspectContainer(engine, nextName(name)));
  if (replacement !== null) {
    // The replacement was created from the previous container's settings, so its policy is the
    // original one; restore it before the replacement (and the knowledge) is gone.
    const policy = replacement.HostConfig.RestartPolicy;
    if (policy != null) await setRestartPolicy(engine, previous.Id, policy);
    await removeContainer(engine, replacement.Id);
  }
  await rename(engine, previous.Id, name);
  if (options.start ?? true) await engine.call("POST", `/containers/${previous.Id}/start`, { accept: [304] });
}

export const RECOVERY_OUTCOMES = ["nothing-to-do", "removed-unstarted", "rolled-back"] as const;
export type RecoveryOutcome = (typeof RECOVERY_OUTCOMES)[number];

/**
 * Resolves what an interrupted replacement left behind. A previous container means the change
 * never got its verdict: it is rolled back, since the previous container is the one known to be
 * good. A lone `.bridgeport-next` never took over and is removed.
 *
 * @example
 * await recoverReplacement(host.engine, "web") // => "nothing-to-do"
 */
export async function recoverReplacement(engine: DockerEngine, name: string): Promise<RecoveryOutcome> {
  assertContainerName(name);
  if ((await inspectContainer(engine, previousName(name))) !== null) {
    await rollbackReplacement(engine, name);
    return "rolled-back";
  }
  if ((await inspectContainer(engine, nextName(name))) !== null) {
    await removeContainer(engine, nextName(name));
    return "removed-unstarted";
  }
  return "nothing-to-do";
}

async function stopContainer(engine: DockerEngine, id: string, seconds: number): Promise<void> {
  await engine.call("POST", `/containers/${id}/stop`, {
    query: { t: seconds },
    accept: [304],
    timeoutMs: (seconds + 30) * 1000,
  });
}

async function setRestartPolicy(
  engine: DockerEngine,
  id: string,
  policy: Record<string, unknown>,
): Promise<void> {
  await engine.call("POST", `/containers/${id}/update`, { body: { RestartPolicy: policy } });
}

async function rename(engine: DockerEngine, id: string, name: string): Promise<void> {
  await engine.call("POST", `/containers/${id}/rename`, { query: { name } });
}

async function removeContainer(engine: DockerEngine, idOrName: string): Promise<void> {
  await engine.call("DELETE", `/containers/${encodeURIComponent(idOrName)}`, {
    query: { force: true },
    accept: [404],
    timeoutMs: 60_000,
  });
}
