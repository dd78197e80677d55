import {
  type HealthCheckDefinition,
  SERVER_AUTH_KINDS,
  SERVER_MODES,
  SERVICE_KINDS,
  type Server,
  type Service,
  WORKLOAD_KINDS,
  workloadRefOf,
} from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { iso } from "./openapi-router.js";

/** A server as the API shows it: `hasSecret` says whether a key or password is set, never which. */
export const ServerJson = z
  .object({
    id: z.string(),
    environmentId: z.string(),
    name: z.string(),
    mode: z.enum(SERVER_MODES),
    host: z.string().nullable(),
    port: z.number().int(),
    username: z.string().nullable(),
    authKind: z.enum(SERVER_AUTH_KINDS).nullable(),
    hasSecret: z.boolean(),
    hostKeyFingerprint: z.string().nullable(),
    socketPath: z.string().nullable(),
    dockerSocketPath: z.string(),
    platform: z.string().nullable(),
    /** A cluster (mode kubernetes): its API server, the CA it is checked against, its namespace. */
    apiServerUrl: z.string().nullable(),
    caCertificate: z.string().nullable(),
    namespace: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Server");

export function serverJson(server: Server): z.infer<typeof ServerJson> {
  return {
    id: server.id,
    environmentId: server.environmentId,
    name: server.name,
    mode: server.mode,
    host: server.host,
    port: server.port,
    username: server.username,
    authKind: server.authKind,
    hasSecret: server.hasSecret,
    hostKeyFingerprint: server.hostKeyFingerprint,
    socketPath: server.socketPath,
    dockerSocketPath: server.dockerSocketPath,
    platform: server.platform,
    apiServerUrl: server.apiServerUrl,
    caCertificate: server.caCertificate,
    namespace: server.namespace,
    createdAt: iso(server.createdAt),
    updatedAt: iso(server.updatedAt),
  };
}

export const ServiceJson = z
  .object({
    id: z.string(),
    serverId: z.string(),
    containerImageId: z.string(),
    name: z.string(),
    containerName: z.string(),
    /** The Swarm service's name, for kind swarm-service (its containerName too); null otherwise. */
    swarmService: z.string().nullable(),
    kind: z.enum(SERVICE_KINDS),
    /** The Kubernetes workload and its container, for kind k8s-workload; null otherwise. */
    workload: z
      .object({
        namespace: z.string(),
        kind: z.enum(WORKLOAD_KINDS),
        name: z.string(),
        container: z.string(),
      })
      .nullable(),
    composeFile: z.string().nullable(),
    composeService: z.string().nullable(),
    // The stored definition (defaults filled in); its input rules are healthCheckSchema's.
    healthCheck: z
      .custom<HealthCheckDefinition>()
      .nullable()
      .openapi({ type: "object", description: "docker | http (url) | tcp (port, host)" }),
    deployedDigest: z.string().nullable(),
    dependsOn: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Service");

export function serviceJson(
  service: Service,
  dependsOn: readonly string[] = [],
): z.infer<typeof ServiceJson> {
  return {
    id: service.id,
    serverId: service.serverId,
    containerImageId: service.containerImageId,
    name: service.name,
    containerName: service.containerName,
    swarmService: service.kind === "swarm-service" ? service.containerName : null,
    kind: service.kind,
    workload: workloadRefOf(service),
    composeFile: service.composeFile,
    composeService: service.composeService,
    healthCheck: service.healthCheck,
    deployedDigest: service.deployedDigest,
    dependsOn: [...dependsOn],
    createdAt: iso(service.createdAt),
    updatedAt: iso(service.updatedAt),
  };
}
