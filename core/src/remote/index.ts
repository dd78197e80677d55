// Remote execution on servers: SSH and socket transports, the Docker Engine API client, and the
// docker operations a deploy plan drives. Internals (output buffers, connect details) stay private.
export * from "./command-runner.js";
export * from "./compose-up.js";
export * from "./container-name.js";
export * from "./container-replace.js";
export * from "./digest-reference.js";
export * from "./docker-engine.js";
export * from "./docker-engine-connector.js";
export * from "./docker-host.js";
export * from "./docker-inspect.js";
export * from "./docker-login.js";
export * from "./docker-pull.js";
export type { ContainerConfig, ContainerInspect, HostConfig, ImageInspect } from "./docker-schemas.js";
export * from "./errors.js";
export * from "./host-key.js";
export * from "./image-prune.js";
export * from "./local-command-runner.js";
export * from "./login-cache.js";
export * from "./network-probe.js";
export * from "./registry-login.js";
export * from "./replacement-config.js";
export * from "./running-digest.js";
export * from "./scrub.js";
export * from "./server-test.js";
export * from "./shell-quote.js";
export * from "./ssh-connection.js";
export * from "./ssh-connection-pool.js";
export * from "./ssh-network-probe.js";
export * from "./ssh-target.js";
export * from "./swarm-rollout.js";
export type {
  SwarmService,
  SwarmServiceSpec,
  SwarmTask,
  SwarmUpdateConfig,
  SwarmUpdateState,
} from "./swarm-schemas.js";
export { SWARM_UPDATE_STATES } from "./swarm-schemas.js";
export * from "./swarm-service.js";
