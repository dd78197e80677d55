import {
  currentDigest,
  healthCheckSchema,
  NotFoundError,
  SERVICE_KINDS,
  type Service,
  type Store,
  storeHostProvider,
} from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { definedOnly } from "../http/defined-only.js";
import { itemRoutes } from "../http/item-routes.js";
import { apiRouter, errorResponses, idSchema, jsonBody, jsonResponse } from "../http/openapi-router.js";
import { ServiceJson, serviceJson } from "../http/server-json.js";
import { nameText } from "../http/text-input.js";

const containerName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "a Docker container name");
const fields = {
  name: nameText(100),
  containerName,
  containerImageId: idSchema,
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
    containerName: containerName.optional(),
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
 * Services: containers on a server, each linked to one image, with health check and dependencies.
 * A service added for a container that already runs starts out with the digest it runs, so the
 * first deploy has a From and `/rollback` a target; a server that does not answer does not stop
 * the service being added.
 */
export function serviceRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  return apiRouter()
    .openapi(create, async (c) => {
      const { serverId } = c.req.valid("param");
      const server = await store.servers.get(serverId);
      if (!server) throw new NotFoundError("Server", serverId);
      const { dependsOn, ...input } = definedOnly(c.req.valid("json"));
      let service = await store.services.create({ ...input, serverId });
      if (dependsOn) await store.services.setDependencies(service.id, dependsOn);
      const image = await store.images.get(service.containerImageId);
      const hosts = storeHostProvider(store, { timeouts: { readyTimeoutMs: INSPECT_TIMEOUT_MS } });
      const running = await currentDigest(hosts, server, service, image?.imageName ?? "").finally(() =>
        hosts.close(),
      );
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
      const { dependsOn, ...patchFields } = definedOnly(c.req.valid("json"));
      const service = await store.services.update(id, patchFields);
      if (dependsOn) await store.services.setDependencies(id, dependsOn);
      return c.json({ service: await withDependencies(store, service) }, 200);
    })
    .openapi(remove, async (c) => {
      await store.services.delete(c.req.valid("param").id);
      return c.body(null, 204);
    });
}

async function withDependencies(store: Store, service: Service) {
  const edges = await store.services.listDependencies([service.id]);
  return serviceJson(
    service,
    edges.filter((e) => e.serviceId === service.id).map((e) => e.dependsOnServiceId),
  );
}
