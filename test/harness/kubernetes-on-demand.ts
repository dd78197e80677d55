import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { request } from "undici";
import { z } from "zod";
import { type RunningKubernetes, startKubernetes } from "./kubernetes.js";
import { connectKubernetes, type KubernetesCluster } from "./kubernetes-cluster.js";

/** Where a test file asks the global set-up for the control plane: plain data for `provide`. */
export interface KubernetesOnDemand {
  /** `http://127.0.0.1:PORT/<random>/start`: POST starts the control plane once, then answers its info. */
  url: string;
}

export interface KubernetesOnDemandServer {
  info(): KubernetesOnDemand;
  /** Stops the control plane if it was started, and the endpoint. */
  stop(): Promise<void>;
}

const kubernetesInfoSchema = z.object({
  url: z.string().url(),
  caPem: z.string().min(1),
  adminToken: z.string().min(1),
  version: z.string(),
});

/**
 * Runs in the global set-up: a loopback endpoint that starts the control plane on the first
 * request and answers every request with the same one. Most runs never ask and never pay for it;
 * those that do share one control plane, owned by the runner's main process like the registries,
 * so it outlives the test file that asked first.
 *
 * @example
 * const onDemand = await serveKubernetesOnDemand();
 * project.provide("kubernetes", onDemand.info());
 */
export async function serveKubernetesOnDemand(
  start: () => Promise<RunningKubernetes> = () => startKubernetes(),
): Promise<KubernetesOnDemandServer> {
  let started: Promise<RunningKubernetes> | undefined;
  const path = `/${randomBytes(16).toString("hex")}/start`;
  const server = createServer((req, res) => {
    if (req.method !== "POST" || req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    started ??= start().then((kubernetes) => {
      console.info(
        `harness: Kubernetes ${kubernetes.info().version} control plane ready in ${Math.round(kubernetes.startupMs)} ms`,
      );
      return kubernetes;
    });
    started.then(
      (kubernetes) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(kubernetes.info())),
      (error: unknown) =>
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the on-demand endpoint has no port");
  const url = `http://127.0.0.1:${address.port}${path}`;
  return {
    info: () => ({ url }),
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await started?.then(
        (kubernetes) => kubernetes.stop(),
        () => undefined,
      );
    },
  };
}

/**
 * Runs in a test file: the run's one control plane, started now if no file asked before.
 *
 * @example
 * const cluster = await useKubernetes(inject("kubernetes"));
 * afterAll(() => cluster.close());
 */
export async function useKubernetes(onDemand: KubernetesOnDemand): Promise<KubernetesCluster> {
  const response = await request(onDemand.url, { method: "POST", headersTimeout: 300_000 });
  const body: unknown = await response.body.json();
  if (response.statusCode !== 200) {
    const error = z.object({ error: z.string() }).safeParse(body);
    throw new Error(
      `the Kubernetes control plane did not start: ${error.success ? error.data.error : response.statusCode}`,
    );
  }
  return connectKubernetes(kubernetesInfoSchema.parse(body));
}
