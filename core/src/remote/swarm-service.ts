import { assertContainerName } from "./container-name.js";
import type { DockerEngine } from "./docker-engine.js";
import type { DockerLoginCredentials } from "./docker-login.js";
import { registryAuthHeader } from "./docker-pull.js";
import {
  type SwarmService,
  type SwarmServiceSpec,
  type SwarmTask,
  swarmInfoSchema,
  swarmServiceListSchema,
  swarmServiceSchema,
  swarmTaskListSchema,
} from "./swarm-schemas.js";

/**
 * A Swarm service by name or id, with its spec, version and last update's status; null when the
 * swarm has none by that name.
 *
 * @example
 * (await inspectSwarmService(host.engine, "web"))?.Spec.TaskTemplate.ContainerSpec.Image
 * // => "registry.example.com/team/web:v1@sha256:…"
 */
export function inspectSwarmService(engine: DockerEngine, name: string): Promise<SwarmService | null> {
  const path = `/services/${encodeURIComponent(assertContainerName(name))}`;
  return engine.jsonOrNull("GET", path, swarmServiceSchema);
}

/**
 * Every service of the swarm the engine manages.
 *
 * @example
 * (await listSwarmServices(host.engine)).map((s) => s.Spec.Name) // => ["web", "worker"]
 */
export function listSwarmServices(engine: DockerEngine): Promise<SwarmService[]> {
  return engine.json("GET", "/services", swarmServiceListSchema);
}

/**
 * The tasks of one service (current and recent history: Swarm keeps a few per slot).
 *
 * @example
 * (await listSwarmTasks(host.engine, service.ID)).filter((t) => t.DesiredState === "running").length // => 3
 */
export function listSwarmTasks(engine: DockerEngine, serviceId: string): Promise<SwarmTask[]> {
  return engine.json("GET", "/tasks", swarmTaskListSchema, {
    query: { filters: JSON.stringify({ service: [serviceId] }) },
  });
}

/**
 * Sends a service's new spec at the version it was read at. The registry credentials travel in
 * `X-Registry-Auth` with this one request: Swarm hands them to every node that pulls for the
 * service, so no node needs a login of its own and nothing is written on the server's disk.
 * Without credentials the service keeps the ones it had. A spec changed meanwhile is refused by
 * Swarm ("update out of sequence"), never overwritten.
 *
 * @example
 * await updateSwarmService(host.engine, service, { ...service.Spec, TaskTemplate: { ... } }, login);
 */
export async function updateSwarmService(
  engine: DockerEngine,
  service: SwarmService,
  spec: SwarmServiceSpec,
  login: DockerLoginCredentials | null,
): Promise<void> {
  await engine.call("POST", `/services/${encodeURIComponent(service.ID)}/update`, {
    query: { version: service.Version.Index },
    body: spec,
    ...(login === null ? {} : { headers: { "X-Registry-Auth": registryAuthHeader(login) } }),
  });
}

/** Whether the engine is a Swarm manager (the node a service can be read and updated through). */
export interface SwarmRole {
  manager: boolean;
  /** `inactive`, `pending`, `active`, `error` or `locked`. */
  state: string;
}

/**
 * The engine's place in a swarm.
 *
 * @example
 * await swarmRole(host.engine) // => { manager: true, state: "active" }
 */
export async function swarmRole(engine: DockerEngine): Promise<SwarmRole> {
  const info = await engine.json("GET", "/info", swarmInfoSchema);
  return { manager: info.Swarm.ControlAvailable === true, state: info.Swarm.LocalNodeState };
}
