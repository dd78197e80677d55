import {
  type ClusterAccess,
  type DockerHost,
  discoverCluster,
  discoverServer,
  kubeCluster,
  NotFoundError,
  PRUNE_IMAGES_MODES,
  pruneImages,
  reachedBySocket,
  SERVER_TEST_CHECKS,
  type Server,
  type ServerAuth,
  type ServerTestResult,
  type Store,
  storedClusterAccess,
  storeHostProvider,
  swarmRole,
  testKubernetesServer,
  testSocketServer,
  testSshServer,
  type WorkloadKind,
  workloadRefOf,
} from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { apiRouter, errorResponses, idParams, jsonBody, jsonResponse } from "../http/openapi-router.js";

const tags = ["servers"];
const TEST_TIMEOUT_MS = 10_000;
const unreachable = {
  502: jsonResponse(z.object({ error: z.string() }), "The server's Docker could not be reached"),
};

const prune = createRoute({
  method: "post",
  path: "/api/servers/{id}/prune-images",
  tags,
  request: {
    params: idParams,
    ...jsonBody(z.object({ mode: z.enum(PRUNE_IMAGES_MODES).default("dangling") }).strict()),
  },
  responses: {
    200: jsonResponse(
      z.object({
        spaceReclaimedBytes: z.number(),
        spaceReclaimedHuman: z.string(),
        imagesDeleted: z.number(),
      }),
      "What the prune reclaimed (seed 001)",
    ),
    ...errorResponses,
    ...unreachable,
  },
});
const discover = createRoute({
  method: "post",
  path: "/api/servers/{id}/discover",
  tags,
  request: { params: idParams },
  responses: {
    200: jsonResponse(
      z.object({
        imagesCreated: z.array(z.string()),
        servicesCreated: z.array(z.string()),
        servicesLinked: z.array(z.string()),
        skipped: z.array(z.object({ container: z.string(), reason: z.string() })),
        withoutDigest: z.array(z.object({ container: z.string(), reason: z.string() })),
      }),
      "Containers turned into services linked to images",
    ),
    ...errorResponses,
    ...unreachable,
  },
});

const test = createRoute({
  method: "post",
  path: "/api/servers/{id}/test",
  tags,
  summary:
    "Test the connection: SSH answers, the host key is the pinned one, the login works, docker answers (and, for mode swarm, is a Swarm manager); a cluster: its API server answers, its CA, its token or client certificate, and RBAC grants what deploys need",
  request: { params: idParams },
  responses: {
    200: jsonResponse(
      z
        .object({
          ok: z.boolean(),
          failed: z
            .enum(SERVER_TEST_CHECKS)
            .optional()
            .openapi({ description: "The first check that failed" }),
          error: z.string().optional(),
          docker: z.object({ version: z.string(), apiVersion: z.string() }).optional(),
          kubernetes: z
            .object({ version: z.string(), namespaces: z.array(z.string()) })
            .optional()
            .openapi({
              description: "A cluster: its version, and the namespaces whose permissions were checked",
            }),
          offeredHostKeyFingerprint: z
            .string()
            .optional()
            .openapi({ description: "The SSH server's host key, to pin as hostKeyFingerprint" }),
        })
        .openapi("ServerTest"),
      "The verdict, with the reason when a check failed",
    ),
    ...errorResponses,
  },
});

/**
 * A Swarm server's Docker answered; it must also be a manager, the only node that can read and
 * update services.
 */
async function testSwarmManager(
  store: Store,
  server: Server,
  answered: ServerTestResult,
): Promise<ServerTestResult> {
  const hosts = storeHostProvider(store);
  try {
    const role = await swarmRole((await hosts.host(server.id)).engine);
    if (role.manager) return answered;
    return {
      ...(answered.offeredHostKeyFingerprint === undefined
        ? {}
        : { offeredHostKeyFingerprint: answered.offeredHostKeyFingerprint }),
      ok: false,
      failed: "swarm",
      error: `Docker on ${server.name} is not a Swarm manager (swarm state: ${role.state}): run docker swarm init there, or point the server at a manager`,
    };
  } finally {
    await hosts.close();
  }
}

/**
 * A cluster server's test, over the namespaces and workload kinds its services deploy (its own
 * namespace's Deployments when it has none yet).
 */
async function testCluster(store: Store, server: Server): Promise<ServerTestResult> {
  let access: ClusterAccess;
  try {
    access = await storedClusterAccess(store, server.id);
  } catch (error) {
    return { ok: false, failed: "credential", error: (error as Error).message };
  }
  const scope = new Map<string, Set<WorkloadKind>>();
  for (const service of await store.services.list({ serverId: server.id })) {
    const ref = workloadRefOf(service);
    if (ref) scope.set(ref.namespace, (scope.get(ref.namespace) ?? new Set()).add(ref.kind));
  }
  if (scope.size === 0 && server.namespace !== null) scope.set(server.namespace, new Set(["Deployment"]));
  return testKubernetesServer(access, scope);
}

/** The stored SSH key or password; null when none is stored (or it is a cluster's credential). */
function sshAuth(auth: ServerAuth | undefined) {
  return auth && (auth.kind === "key" || auth.kind === "password")
    ? { kind: auth.kind, secret: auth.secret }
    : null;
}

/** Work on a server's Docker: connection test, image pruning and container discovery. */
export function serverActionRoutes(deps: Pick<BotDeps, "store" | "log">) {
  const { store } = deps;
  /** Opens the server's Docker host for one call; connection failures are a 502 naming the server. */
  async function onHost<T>(id: string, work: (host: DockerHost, server: Server) => Promise<T>) {
    const server = await store.servers.get(id);
    if (!server) throw new NotFoundError("Server", id);
    const hosts = storeHostProvider(store);
    try {
      return { ok: true as const, value: await work(await hosts.host(id), server) };
    } catch (error) {
      if (error instanceof NotFoundError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      deps.log.warn({ server: server.name, err: { message } }, "server call failed");
      return { ok: false as const, error: `Server ${server.name}: ${message}` };
    } finally {
      await hosts.close();
    }
  }
  /** Work on a cluster's API; failures are a 502 naming the server. */
  async function onCluster<T>(server: Server, work: () => Promise<T>) {
    try {
      return { ok: true as const, value: await work() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.log.warn({ server: server.name, err: { message } }, "cluster call failed");
      return { ok: false as const, error: `Server ${server.name}: ${message}` };
    }
  }
  return apiRouter()
    .openapi(test, async (c) => {
      const { id } = c.req.valid("param");
      const server = await store.servers.get(id);
      if (!server) throw new NotFoundError("Server", id);
      if (server.mode === "kubernetes") return c.json(await testCluster(store, server), 200);
      const result: ServerTestResult = reachedBySocket(server)
        ? await testSocketServer(server.socketPath ?? server.dockerSocketPath)
        : await testSshServer(
            {
              // The store refuses an SSH server without host and user.
              host: server.host ?? "",
              port: server.port,
              username: server.username ?? "",
              auth: sshAuth(await store.servers.getSecret(id)),
              hostKeyFingerprint: server.hostKeyFingerprint,
            },
            { readyTimeoutMs: TEST_TIMEOUT_MS },
          );
      if (!result.ok || server.mode !== "swarm") return c.json(result, 200);
      return c.json(await testSwarmManager(store, server, result), 200);
    })
    .openapi(prune, async (c) => {
      const { mode } = c.req.valid("json");
      const result = await onHost(c.req.valid("param").id, (host) => pruneImages(host.engine, mode));
      return result.ok ? c.json(result.value, 200) : c.json({ error: result.error }, 502);
    })
    .openapi(discover, async (c) => {
      const { id } = c.req.valid("param");
      const server = await store.servers.get(id);
      const result =
        server?.mode === "kubernetes"
          ? await onCluster(server, async () =>
              discoverCluster(store, server, await kubeCluster(await storedClusterAccess(store, id))),
            )
          : await onHost(id, (host, found) => discoverServer(store, found, host));
      return result.ok ? c.json(result.value, 200) : c.json({ error: result.error }, 502);
    });
}
