import {
  currentDigest,
  healthCheckSchema,
  NotFoundError,
  SERVICE_KINDS,
  type ServerMode,
  type Service,
  type ServiceKind,
  type Store,
  storeClusterProvider,
  storeHostProvider,
  WORKLOAD_KINDS,
  type WorkloadKind,
} from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { badRequest } from "../http/bad-request.js";
import { definedOnly } from "../http/defined-only.js";
import { itemRoutes } from "../http/item-routes.js";
import { apiRouter, errorResponses, idSchema, jsonBody, jsonResponse } from "../http/openapi-router.js";
import { namespaceName } from "../http/server-input.js";
import { ServiceJson, serviceJson } from "../http/server-json.js";
import { nameText } from "../http/text-input.js";

const containerName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "a Docker container name");
/** Swarm's own rule for service names (letters and digits, joined by - or _), at most 63 long. */
const swarmService = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-zA-Z0-9](?:[-_]*[a-zA-Z0-9]+)*$/, "a Swarm service name");
/** A Kubernetes object name (a DNS subdomain) or container name (a DNS label). */
const kubeName = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "a Kubernetes name: lower-case letters, digits, - and .");
const workload = z
  .object({
    namespace: namespaceName,
    /** Default Deployment. */
    kind: z.enum(WORKLOAD_KINDS).default("Deployment"),
    name: kubeName(253),
    /** The container whose image is deployed. */
    container: kubeName(63),
  })
  .strict();
const fields = {
  name: nameText(100),
  /** The container (kinds container and compose). */
  containerName: containerName.optional(),
  /** The Swarm service (kind swarm-service), by name. */
  swarmService: swarmService.optional(),
  /** The Kubernetes workload and its container (kind k8s-workload, on a server of mode kubernetes). */
  workload: workload.optional(),
  containerImageId: idSchema,
  /** Default: swarm-service on a Swarm manager, container elsewhere. */
  kind: z.enum(SERVICE_KINDS).optional(),
  composeFile: z
    .string()
    .max(1024)
    .regex(/^\/[^\0\s]*$/, "an absolute path")
    .nullable()
    .optional(),
  composeService: z
    .string()
    .max(128)
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "a compose service name")
    .nullable()
    .optional(),
  healthCheck: healthCheckSchema.nullable().optional(),
  /** Services this one starts after (replaces the current list). */
  dependsOn: z.array(idSchema).max(100).optional(),
};
const ServiceInput = z.object(fields).strict().openapi("ServiceInput");
const ServicePatch = z
  .object({
    ...fields,
    name: fields.name.optional(),
    containerImageId: idSchema.optional(),
  })
  .strict()
  .openapi("ServicePatch");
const One = z.object({ service: ServiceJson });
const Created = One.extend({
  currentDigest: z.object({ digest: z.string().nullable(), detail: z.string() }).openapi({
    description: "What the container runs now, recorded as the service's deployed digest (null: why not)",
  }),
});
const tags = ["services"];
/** Adding a service waits this long at most for an SSH server that does not answer. */
const INSPECT_TIMEOUT_MS = 5_000;

const create = createRoute({
  method: "post",
  path: "/api/servers/{serverId}/services",
  tags,
  request: {
    params: z.object({ serverId: idSchema.openapi({ param: { name: "serverId", in: "path" } }) }),
    ...jsonBody(ServiceInput),
  },
  responses: { 201: jsonResponse(Created, "Created, with the digest its container runs"), ...errorResponses },
});
const { get, patch, remove } = itemRoutes("/api/services/{id}", tags, One, ServicePatch, "The service");

/**
 * Services: containers on a server or Swarm services on a Swarm manager, each linked to one
 * image, with health check and dependencies. A service added for a container (or Swarm service)
 * that already runs starts out with the digest it runs, so the first deploy has a From and
 * `/rollback` a target; a server that does not answer does not stop the service being added.
 */
export function serviceRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  return apiRouter()
    .openapi(create, async (c) => {
      const { serverId } = c.req.valid("param");
      const server = await store.servers.get(serverId);
      if (!server) throw new NotFoundError("Server", serverId);
      const {
        dependsOn,
        swarmService: _swarm,
        containerName: _container,
        workload: _workload,
        ...input
      } = definedOnly(c.req.valid("json"));
      const on = whatOnServer(server.mode, c.req.valid("json"));
      let service = await store.services.create({ ...input, ...on, serverId });
      if (dependsOn) await store.services.setDependencies(service.id, dependsOn);
      const image = await store.images.get(service.containerImageId);
      const hosts = storeHostProvider(store, { timeouts: { readyTimeoutMs: INSPECT_TIMEOUT_MS } });
      const running = await currentDigest(
        { hosts, clusters: storeClusterProvider(store) },
        server,
        service,
        image?.imageName ?? "",
      ).finally(() => hosts.close());
      if (running.digest)
        service = await store.services.update(service.id, { deployedDigest: running.digest });
      return c.json({ service: await withDependencies(store, service), currentDigest: running }, 201);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid("param");
      const service = await store.services.get(id);
      if (!service) throw new NotFoundError("Service", id);
      return c.json({ service: await withDependencies(store, service) }, 200);
    })
    .openapi(patch, async (c) => {
      const { id } = c.req.valid("param");
      const current = await store.services.get(id);
      if (!current) throw new NotFoundError("Service", id);
      const json = c.req.valid("json");
      const {
        dependsOn,
        swarmService: _swarm,
        containerName: _container,
        workload: _workload,
        ...patchFields
      } = definedOnly(json);
      const identity = json.kind ?? json.containerName ?? json.swarmService ?? json.workload;
      const server = identity === undefined ? undefined : await store.servers.get(current.serverId);
      const on = server
        ? whatOnServer(server.mode, { kind: current.kind, ...definedOnly(json) }, current)
        : {};
      const service = await store.services.update(id, { ...patchFields, ...on });
      if (dependsOn) await store.services.setDependencies(id, dependsOn);
      return c.json({ service: await withDependencies(store, service) }, 200);
    })
    .openapi(remove, async (c) => {
      await store.services.delete(c.req.valid("param").id);
      return c.body(null, 204);
    });
}

type OnServer = {
  kind: ServiceKind;
  containerName: string;
  namespace: string | null;
  workloadKind: WorkloadKind | null;
  workloadContainer: string | null;
};

const NO_WORKLOAD = { namespace: null, workloadKind: null, workloadContainer: null } as const;
/** The kind each server mode's services default to, and the only kind a Swarm manager or cluster has. */
const KIND_OF_MODE: Partial<Record<ServerMode, ServiceKind>> = {
  swarm: "swarm-service",
  kubernetes: "k8s-workload",
};
const NAMED_BY: Record<ServiceKind, "containerName" | "swarmService" | "workload"> = {
  container: "containerName",
  compose: "containerName",
  "swarm-service": "swarmService",
  "k8s-workload": "workload",
};

const WHAT: Record<ServiceKind, string> = {
  container: "a container",
  compose: "a compose service's container",
  "swarm-service": "a Swarm service",
  "k8s-workload": "a Kubernetes workload",
};

/**
 * What a service is on its server, from the request: a Swarm service on a Swarm manager (kind
 * swarm-service, named by `swarmService`), a workload's container on a cluster (kind
 * k8s-workload, named by `workload`), a container elsewhere (named by `containerName`). A
 * mismatch is a 400 naming the field to change.
 */
function whatOnServer(
  mode: ServerMode,
  input: {
    kind?: ServiceKind | undefined;
    containerName?: string | undefined;
    swarmService?: string | undefined;
    workload?: z.infer<typeof workload> | undefined;
  },
  /** A PATCH keeps the name it does not change. */
  current?: Service,
): OnServer {
  const only = KIND_OF_MODE[mode];
  const kind = input.kind ?? only ?? "container";
  if (only !== undefined && kind !== only)
    throw badRequest(
      "kind",
      `a server with mode ${mode} holds services of kind ${only}: use ${NAMED_BY[only]}`,
    );
  if (only === undefined && (kind === "swarm-service" || kind === "k8s-workload"))
    throw badRequest(
      "kind",
      `kind ${kind} needs a server with mode ${kind === "swarm-service" ? "swarm" : "kubernetes"} (this one is ${mode})`,
    );
  const namedBy = NAMED_BY[kind];
  for (const field of ["containerName", "swarmService", "workload"] as const) {
    if (field !== namedBy && input[field] !== undefined)
      throw badRequest(field, `${WHAT[kind]} is named by ${namedBy}, not ${field}`);
  }
  // A PATCH keeps the name of a service named the same way (a container and a compose service).
  const keeps = current && NAMED_BY[current.kind] === namedBy ? current : undefined;
  if (kind === "k8s-workload") {
    const given = input.workload;
    if (given)
      return {
        kind,
        containerName: given.name,
        namespace: given.namespace,
        workloadKind: given.kind,
        workloadContainer: given.container,
      };
    if (!keeps)
      throw badRequest("workload", "required for kind k8s-workload: { namespace, kind, name, container }");
    const { containerName, namespace, workloadKind, workloadContainer } = keeps;
    return { kind, containerName, namespace, workloadKind, workloadContainer };
  }
  const name = input[namedBy as "containerName" | "swarmService"] ?? keeps?.containerName;
  if (name === undefined) throw badRequest(namedBy, `required for kind ${kind}`);
  return { kind, containerName: name, ...NO_WORKLOAD };
}

async function withDependencies(store: Store, service: Service) {
  const edges = await store.services.listDependencies([service.id]);
  return serviceJson(
    service,
    edges.filter((e) => e.serviceId === service.id).map((e) => e.dependsOnServiceId),
  );
}
