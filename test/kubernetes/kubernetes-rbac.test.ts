import { fileURLToPath } from "node:url";
import {
  type KubernetesCluster,
  makeTempDir,
  removeTempDir,
  runCommand,
  useKubernetes,
  waitUntil,
} from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openTestStore } from "../images/support.js";
import { type KubernetesLab, RBAC_MANIFEST, startKubernetesLab } from "./kubernetes-lab.js";

// deploy/kubernetes/rbac.yaml applied for real (kubectl apply, as cluster-admin) on the real
// control plane, and a deploy made with its ServiceAccount's token alone: the shipped Role is
// enough. No kubelet: the stand-in marks pods of the lab's healthy digests Ready.
const { basic } = inject("registries");
let cluster: KubernetesCluster;
let ctx: Awaited<ReturnType<typeof openTestStore>>;
let lab: KubernetesLab;
let dir: string;

beforeAll(async () => {
  cluster = await useKubernetes(inject("kubernetes"));
  ctx = await openTestStore();
  dir = await makeTempDir("kubernetes-rbac");
  const kubeconfig = await cluster.writeKubeconfig(`${dir}/admin.kubeconfig`);
  lab = await startKubernetesLab(cluster, basic, ctx, {
    prefix: "rbac",
    tokenFor: async (namespace) => {
      await runCommand([
        "kubectl",
        "--kubeconfig",
        kubeconfig,
        "--cache-dir",
        `${dir}/kube-cache`,
        "-n",
        namespace,
        "apply",
        "-f",
        fileURLToPath(RBAC_MANIFEST),
      ]);
      const issued = (await cluster.admin.ok(
        "POST",
        `/api/v1/namespaces/${namespace}/serviceaccounts/bridgeport/token`,
        {
          body: {
            apiVersion: "authentication.k8s.io/v1",
            kind: "TokenRequest",
            spec: { expirationSeconds: 3_600 },
          },
        },
      )) as { status: { token: string } };
      const token = issued.status.token;
      // The API server's caches learn of the new binding a moment after it is written.
      const self = cluster.client(token);
      await waitUntil(
        async () =>
          (await self.request("GET", `/apis/apps/v1/namespaces/${namespace}/deployments`)).status === 200,
        { what: "the ServiceAccount's token to be granted the Role", timeoutMs: 30_000 },
      );
      return token;
    },
  });
  await lab.deployment("web");
  await lab.service("web");
}, 300_000);
afterAll(async () => {
  await lab?.stop();
  await ctx?.close();
  await cluster?.close();
  if (dir) await removeTempDir(dir);
});

describe("deploy/kubernetes/rbac.yaml", () => {
  it("is all a deploy needs: the pull secret, the patch, the watched rollout", async () => {
    const { plan, steps } = await lab.deploy("v2");
    expect(steps[0]?.error ?? null).toBeNull();
    expect(plan.status).toBe("success");
    expect((await lab.read("web")).spec.template.spec.containers[0]?.image).toBe(lab.ref("v2"));
    expect(steps[0]?.log).toMatch(/pull secret bridgeport-\w+ in rbac-\w+: created/);
  }, 60_000);
});
