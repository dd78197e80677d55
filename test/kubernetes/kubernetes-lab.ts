import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  type ContainerImage,
  executePlan,
  MemoryLoginCache,
  type RegistryDeps,
  requestDeploy,
  type Server,
  type Service,
  type Store,
  storeHostProvider,
  syncImage,
} from "@bridgeport/core";
import {
  type KubeletStandIn,
  type KubernetesCluster,
  type PolicyRule,
  type PushedImage,
  pushOciImage,
  type RegistryInfo,
  seedRegistryImage,
  startKubelet,
  waitUntil,
} from "@bridgeport/test/harness";
import { parseAllDocuments } from "yaml";

/** `deploy/kubernetes/rbac.yaml`: the ServiceAccount, Role and RoleBinding README.md gives the bot. */
export const RBAC_MANIFEST = new URL("../../deploy/kubernetes/rbac.yaml", import.meta.url);

/**
 * The rules of the Role in `deploy/kubernetes/rbac.yaml` (what README.md gives the bot in a
 * namespace it deploys to): read, watch and patch the workloads, keep the pull secret, list pods.
 */
export const DEPLOYER_RULES: readonly PolicyRule[] = (() => {
  const documents = parseAllDocuments(readFileSync(RBAC_MANIFEST, "utf8")).map((d) => d.toJSON());
  const role = documents.find((d) => d?.kind === "Role");
  if (!role) throw new Error("deploy/kubernetes/rbac.yaml has no Role");
  return role.rules as PolicyRule[];
})();

/**
 * A Kubernetes deploy world on the run's control plane: a namespace of its own, the stand-in
 * kubelet watching it (there is no real kubelet: pods become Ready only for digests the test
 * calls healthy, and image pulls with the pull secret are proven for Docker against the real
 * registry elsewhere), three images in the htpasswd registry (v1 and v2 healthy, bad never
 * Ready), the image synced into a store, and a cluster server whose token holds `rules` only.
 */
export interface KubernetesLab {
  namespace: string;
  kubelet: KubeletStandIn;
  image: ContainerImage;
  imageName: string;
  versions: Record<"v1" | "v2" | "bad", PushedImage>;
  server: Server;
  /** `<imageName>@<digest>` of a version. */
  ref(version: "v1" | "v2" | "bad"): string;
  /** Creates Deployment `name` on v1 (3 replicas unless told) and waits until it is available. */
  deployment(name: string, options?: { replicas?: number; progressDeadlineSeconds?: number }): Promise<void>;
  /** The lab's `k8s-workload` service for Deployment `name` (container web), on v1. */
  service(name: string): Promise<Service>;
  /** The Deployment as the API server has it (as cluster-admin). */
  read(name: string): Promise<DeploymentView>;
  /** Requests a deploy of a version and runs its plan to the end; the plan and its steps. */
  deploy(
    version: "v1" | "v2" | "bad",
  ): Promise<NonNullable<Awaited<ReturnType<Store["plans"]["getWithSteps"]>>>>;
  stop(): Promise<void>;
}

export interface DeploymentView {
  metadata: { resourceVersion: string; generation: number };
  spec: {
    replicas: number;
    template: {
      spec: { containers: { name: string; image: string }[]; imagePullSecrets?: { name: string }[] };
    };
  };
  status: { updatedReplicas?: number; availableReplicas?: number; readyReplicas?: number; replicas?: number };
}

export async function startKubernetesLab(
  cluster: KubernetesCluster,
  registry: RegistryInfo,
  ctx: { store: Store; registries: RegistryDeps },
  options: {
    rules?: readonly PolicyRule[];
    prefix?: string;
    /** The bot's token in the new namespace; default: a ServiceAccount with exactly `rules`. */
    tokenFor?: (namespace: string) => Promise<string>;
  } = {},
): Promise<KubernetesLab> {
  const id = randomUUID().slice(0, 8);
  const namespace = `${options.prefix ?? "team"}-${id}`;
  await cluster.createNamespace(namespace);
  const kubelet = startKubelet(cluster.info, { namespaces: [namespace] });
  const repo = `kube/web-${id}`;
  const versions = {
    v1: await pushOciImage(registry, repo, "v1.0.0", { seed: `${id}-1`, created: "2026-05-01T00:00:00Z" }),
    v2: await pushOciImage(registry, repo, "v2.0.0", { seed: `${id}-2`, created: "2026-06-01T00:00:00Z" }),
    bad: await pushOciImage(registry, repo, "v3.0.0", { seed: `${id}-3`, created: "2026-07-01T00:00:00Z" }),
  };
  const imageName = `${registry.host}/${repo}`;
  const ref = (version: keyof typeof versions) => `${imageName}@${versions[version].digest}`;
  kubelet.healthy(versions.v1.digest);
  kubelet.healthy(versions.v2.digest);
  kubelet.unhealthy(versions.bad.digest);

  const { store } = ctx;
  const seeded = await seedRegistryImage(store, registry, {
    environment: `kube-${id}`,
    connection: "lab",
    name: "web",
    repository: repo,
    tagFilter: "v*.*.*",
  });
  await syncImage({ store, registries: ctx.registries, now: () => new Date() }, seeded.image);
  const digestIds = new Map(
    (await store.digests.listForImage(seeded.image.id)).map((d) => [d.manifestDigest, d.id]),
  );
  const token = options.tokenFor
    ? await options.tokenFor(namespace)
    : await cluster.bearerTokenFor("bridgeport", { namespace, rules: options.rules ?? DEPLOYER_RULES });
  const server = await store.servers.create({
    environmentId: seeded.environment.id,
    name: "cluster",
    mode: "kubernetes",
    apiServerUrl: cluster.info.url,
    caCertificate: cluster.info.caPem,
    namespace,
    auth: { kind: "token", secret: token },
  });
  const read = (name: string) => readDeployment(cluster, namespace, name);

  return {
    namespace,
    kubelet,
    image: seeded.image,
    imageName,
    versions,
    server,
    ref,
    read,
    deployment: (name, options) => createDeployment(cluster, namespace, name, ref("v1"), options),
    service(name) {
      return store.services.create({
        serverId: server.id,
        containerImageId: seeded.image.id,
        name,
        kind: "k8s-workload",
        containerName: name,
        namespace,
        workloadKind: "Deployment",
        workloadContainer: "web",
        deployedDigest: versions.v1.digest,
      });
    },
    deploy: (version) => runDeploy(ctx, seeded.image.id, digestIds.get(versions[version].digest) ?? ""),
    stop: () => kubelet.stop(),
  };
}

/** The plan, with its steps, of a deploy of one digest of an image, run to the end (autoRollback on). */
export async function runDeploy(
  ctx: { store: Store; registries: RegistryDeps },
  containerImageId: string,
  imageDigestId: string,
): Promise<NonNullable<Awaited<ReturnType<Store["plans"]["getWithSteps"]>>>> {
  const { store } = ctx;
  const requested = await requestDeploy(store, {
    containerImageId,
    imageDigestId,
    autoRollback: true,
    trigger: "api",
    triggeredBy: "tests@example.com",
  });
  if (requested.kind !== "planned") throw new Error(`deploy refused: ${JSON.stringify(requested)}`);
  const hosts = storeHostProvider(store);
  try {
    await executePlan(requested.planId, {
      store,
      hosts,
      registries: ctx.registries,
      loginCache: new MemoryLoginCache(),
      owner: "kubernetes-test",
    });
  } finally {
    await hosts.close();
  }
  const detail = await store.plans.getWithSteps(requested.planId);
  if (!detail) throw new Error("plan vanished");
  return detail;
}

/** The Deployment as the API server has it (as cluster-admin). */
export async function readDeployment(
  cluster: KubernetesCluster,
  namespace: string,
  name: string,
): Promise<DeploymentView> {
  return (await cluster.admin.ok(
    "GET",
    `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`,
  )) as DeploymentView;
}

/**
 * Creates Deployment `name` with one container `web` on `image` (3 replicas and a 6 s progress
 * deadline unless told) and waits until every replica is available.
 */
export async function createDeployment(
  cluster: KubernetesCluster,
  namespace: string,
  name: string,
  image: string,
  { replicas = 3, progressDeadlineSeconds = 6 }: { replicas?: number; progressDeadlineSeconds?: number } = {},
): Promise<void> {
  const labels = { app: name };
  await cluster.admin.ok("POST", `/apis/apps/v1/namespaces/${namespace}/deployments`, {
    body: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace },
      spec: {
        replicas,
        progressDeadlineSeconds,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "web", image }] } },
      },
    },
  });
  await waitUntil(
    async () => (await readDeployment(cluster, namespace, name)).status.availableReplicas === replicas,
    {
      what: `Deployment ${name} to have ${replicas} available replicas`,
      timeoutMs: 30_000,
    },
  );
}
