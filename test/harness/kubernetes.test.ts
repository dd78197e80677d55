import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { z } from "zod";
import {
  type KubeClient,
  type KubeletStandIn,
  type KubernetesCluster,
  makeTempDir,
  pushOciImage,
  removeTempDir,
  runCommand,
  startKubelet,
  useKubernetes,
  waitUntil,
} from "./index.js";

// The control plane is real (etcd, kube-apiserver, kube-controller-manager); the kubelet is the
// harness's stand-in, which marks pods Ready only for images these tests call healthy.

const conditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string(),
  message: z.string(),
});
const deploymentSchema = z.object({
  metadata: z.object({ generation: z.number() }),
  status: z
    .object({
      observedGeneration: z.number().default(0),
      replicas: z.number().default(0),
      updatedReplicas: z.number().default(0),
      readyReplicas: z.number().default(0),
      availableReplicas: z.number().default(0),
      conditions: z.array(conditionSchema).default([]),
    })
    .default({
      observedGeneration: 0,
      replicas: 0,
      updatedReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      conditions: [],
    }),
});
const podListSchema = z.object({
  items: z.array(
    z.object({
      spec: z.object({ containers: z.array(z.object({ image: z.string() })) }),
      status: z.object({
        phase: z.string(),
        conditions: z
          .array(z.object({ type: z.string(), status: z.string(), reason: z.string().optional() }))
          .default([]),
        containerStatuses: z
          .array(z.object({ image: z.string(), imageID: z.string(), ready: z.boolean() }))
          .default([]),
      }),
    }),
  ),
});

function deployment(namespace: string, image: string, replicas = 3) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image }] } },
    },
  };
}

const deploymentPath = (namespace: string) => `/apis/apps/v1/namespaces/${namespace}/deployments/web`;

async function readDeployment(client: KubeClient, namespace: string) {
  return deploymentSchema.parse(await client.ok("GET", deploymentPath(namespace)));
}

// What `kubectl rollout status` waits for, and issue 17's definition of done.
function rolledOut({ metadata, status }: z.infer<typeof deploymentSchema>, replicas: number): boolean {
  return (
    status.observedGeneration >= metadata.generation &&
    [status.replicas, status.updatedReplicas, status.readyReplicas, status.availableReplicas].every(
      (n) => n === replicas,
    )
  );
}

describe("Kubernetes control plane with the stand-in kubelet", () => {
  const registries = inject("registries");
  let cluster: KubernetesCluster;
  let kubelet: KubeletStandIn;
  let good: string;
  let goodDigest: string;
  let bad: string;

  beforeAll(async () => {
    cluster = await useKubernetes(inject("kubernetes"));
    kubelet = startKubelet(cluster.info);
    // Real images in the harness registry, so each pod's imageID names a digest that exists.
    const target = registries.basic;
    const [v1, v2] = await Promise.all([
      pushOciImage(target, "kubernetes-harness/web", "v1"),
      pushOciImage(target, "kubernetes-harness/web", "v2"),
    ]);
    good = `${target.host}/kubernetes-harness/web@${v1.digest}`;
    goodDigest = v1.digest;
    bad = `${target.host}/kubernetes-harness/web@${v2.digest}`;
    kubelet.healthy(good);
    kubelet.unhealthy(bad);
  });

  afterAll(async () => {
    await kubelet?.stop();
    await cluster?.close();
  });

  async function rolledOutDeployment(namespace: string): Promise<void> {
    await cluster.createNamespace(namespace);
    kubelet.watch(namespace);
    await cluster.admin.ok("POST", `/apis/apps/v1/namespaces/${namespace}/deployments`, {
      body: deployment(namespace, good),
    });
    await waitUntil(async () => rolledOut(await readDeployment(cluster.admin, namespace), 3), {
      what: `Deployment ${namespace}/web to roll out 3 ready replicas (kubelet: ${kubelet.lastError() ?? "no error"})`,
      timeoutMs: 30_000,
    });
  }

  it("is Kubernetes v1.20.2 behind TLS with its own CA, and refuses an unknown token", async () => {
    expect(cluster.info.version).toBe("v1.20.2");
    expect(cluster.info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const stranger = await cluster.client("not-a-token").request("GET", "/api/v1/namespaces");
    expect(stranger.status).toBe(401);
  });

  it("rolls out 3 replicas through the real Deployment controller once the kubelet calls the image healthy", async () => {
    await rolledOutDeployment("harness-rollout");

    const { metadata, status } = await readDeployment(cluster.admin, "harness-rollout");
    expect(status.observedGeneration).toBeGreaterThanOrEqual(metadata.generation);
    expect(status.conditions).toContainEqual(
      expect.objectContaining({ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }),
    );
    const pods = podListSchema.parse(
      await cluster.admin.ok("GET", "/api/v1/namespaces/harness-rollout/pods"),
    );
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(pod.status.phase).toBe("Running");
      expect(pod.status.containerStatuses).toEqual([
        {
          image: good,
          imageID: `docker-pullable://${registries.basic.host}/kubernetes-harness/web@${goodDigest}`,
          ready: true,
        },
      ]);
    }
  });

  it("reports ProgressDeadlineExceeded from the real controller when the new image never becomes ready", async () => {
    const namespace = "harness-deadline";
    await rolledOutDeployment(namespace);
    await cluster.admin.ok("PATCH", deploymentPath(namespace), {
      contentType: "application/strategic-merge-patch+json",
      body: {
        spec: {
          progressDeadlineSeconds: 10,
          template: { spec: { containers: [{ name: "web", image: bad }] } },
        },
      },
    });

    const stuck = await waitUntil(
      async () => {
        const current = await readDeployment(cluster.admin, namespace);
        const progressing = current.status.conditions.find((condition) => condition.type === "Progressing");
        return progressing?.reason === "ProgressDeadlineExceeded" ? { current, progressing } : undefined;
      },
      {
        what: `Deployment ${namespace}/web to exceed its progress deadline`,
        timeoutMs: 45_000,
        intervalMs: 250,
      },
    );
    expect(stuck.progressing).toMatchObject({
      status: "False",
      message: expect.stringMatching(/^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/),
    });
    // maxUnavailable rounds down to 0 of 3: the old pods keep serving while the new one never is ready.
    expect(stuck.current.status).toMatchObject({ updatedReplicas: 1, availableReplicas: 3 });
    const pods = podListSchema.parse(await cluster.admin.ok("GET", `/api/v1/namespaces/${namespace}/pods`));
    const newPods = pods.items.filter((pod) => pod.spec.containers[0]?.image === bad);
    expect(newPods).toHaveLength(1);
    expect(newPods[0]?.status).toMatchObject({
      phase: "Running",
      conditions: expect.arrayContaining([{ type: "Ready", status: "False", reason: "ContainersNotReady" }]),
      containerStatuses: [expect.objectContaining({ ready: false })],
    });
  });

  it("refuses a token whose Role lacks patch on deployments, in Kubernetes' own words", async () => {
    const namespace = "harness-rbac";
    await cluster.createNamespace(namespace);
    await cluster.admin.ok("POST", `/apis/apps/v1/namespaces/${namespace}/deployments`, {
      body: deployment(namespace, good, 1),
    });
    const rule = { apiGroups: ["apps"], resources: ["deployments"] };
    const viewer = cluster.client(
      await cluster.bearerTokenFor("viewer", {
        namespace,
        rules: [{ ...rule, verbs: ["get", "list", "watch"] }],
      }),
    );
    const deployer = cluster.client(
      await cluster.bearerTokenFor("deployer", { namespace, rules: [{ ...rule, verbs: ["get", "patch"] }] }),
    );
    const patch = {
      contentType: "application/strategic-merge-patch+json",
      body: { spec: { template: { metadata: { annotations: { "bridgeport.test/at": "now" } } } } },
    };

    expect((await viewer.request("GET", deploymentPath(namespace))).status).toBe(200);
    const refused = await viewer.request("PATCH", deploymentPath(namespace), patch);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      kind: "Status",
      reason: "Forbidden",
      message: `deployments.apps "web" is forbidden: User "system:serviceaccount:${namespace}:viewer" cannot patch resource "deployments" in API group "apps" in the namespace "${namespace}"`,
    });
    expect((await deployer.request("PATCH", deploymentPath(namespace), patch)).status).toBe(200);
  });

  it("serves kubectl with a generated kubeconfig: apply --dry-run=server validates and creates nothing", async () => {
    const namespace = "harness-kubectl";
    await cluster.createNamespace(namespace);
    const dir = await makeTempDir("kubectl");
    try {
      const kubeconfig = await cluster.writeKubeconfig(join(dir, "kubeconfig"));
      const kubectl = (manifest: object) =>
        runCommand(
          [
            "kubectl",
            "--kubeconfig",
            kubeconfig,
            "--cache-dir",
            join(dir, "cache"),
            "apply",
            "--dry-run=server",
            "-f",
            "-",
          ],
          { stdin: stringify(manifest), timeoutMs: 30_000 },
        );

      const applied = await kubectl(deployment(namespace, good));
      expect(applied.stdout.trim()).toBe("deployment.apps/web created (server dry run)");
      expect((await cluster.admin.request("GET", deploymentPath(namespace))).status).toBe(404);

      const invalid = deployment(namespace, good, -1);
      await expect(kubectl(invalid)).rejects.toThrow(
        /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/,
      );
    } finally {
      await removeTempDir(dir);
    }
  });
});
