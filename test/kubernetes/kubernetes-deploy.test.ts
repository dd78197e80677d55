import {
  MemoryLoginCache,
  type PlanStep,
  planTargets,
  pullSecretName,
  registryAccess,
  type Service,
  storeClusterProvider,
  storeHostProvider,
} from "@bridgeport/core";
import { type KubernetesCluster, useKubernetes } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openTestStore } from "../images/support.js";
import { DEPLOYER_RULES, type KubernetesLab, startKubernetesLab } from "./kubernetes-lab.js";

// The Kubernetes target under the deploy engine (store, plan, executePlan) against a real
// control plane: kube-apiserver with RBAC and the real Deployment and ReplicaSet controllers.
// There is no kubelet: the harness's stand-in marks pods Ready only for the digests this file
// calls healthy (and Running-not-ready for the bad one), so the controllers decide the rollout
// from real pod status; pulls with the pull secret are proven for Docker against the registry.
const { basic } = inject("registries");
let cluster: KubernetesCluster;
let ctx: Awaited<ReturnType<typeof openTestStore>>;
let lab: KubernetesLab;

type Secret = {
  type: string;
  metadata: { annotations: Record<string, string> };
  data: Record<string, string>;
};
const readSecret = async (name: string) =>
  (await cluster.admin.ok("GET", `/api/v1/namespaces/${lab.namespace}/secrets/${name}`)) as Secret;
const dockerConfig = (secret: Secret) =>
  JSON.parse(Buffer.from(secret.data[".dockerconfigjson"] ?? "", "base64").toString("utf8"));

beforeAll(async () => {
  cluster = await useKubernetes(inject("kubernetes"));
  ctx = await openTestStore();
  lab = await startKubernetesLab(cluster, basic, ctx);
  await lab.deployment("web");
  await lab.service("web");
}, 300_000);
afterAll(async () => {
  await lab?.stop();
  await ctx?.close();
  await cluster?.close();
});

describe("a Deployment deployed by digest, with exactly the README's Role", () => {
  it("a healthy digest: the container is repo@digest, the pull secret holds the registry's credentials, the rollout completes", async () => {
    const { plan, steps } = await lab.deploy("v2");
    expect(steps[0]?.error ?? null).toBeNull();
    expect(plan.status).toBe("success");
    expect(steps[0]).toMatchObject({
      status: "success",
      health: "healthy",
      fromDigest: lab.versions.v1.digest,
    });
    const deployment = await lab.read("web");
    expect(deployment.spec.template.spec.containers).toEqual([
      expect.objectContaining({ name: "web", image: lab.ref("v2") }),
    ]);
    const secretName = pullSecretName(lab.image.registryConnectionId ?? "");
    expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: secretName }]);
    expect(deployment.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    const secret = await readSecret(secretName);
    expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
    expect(secret.metadata.annotations["bridgeport.dev/credential-version"]).toBe("1");
    const auth = dockerConfig(secret).auths[basic.host];
    expect(auth).toMatchObject({ username: basic.username, password: basic.password });
    expect(Buffer.from(auth.auth, "base64").toString()).toBe(`${basic.username}:${basic.password}`);
    const log = steps[0]?.log ?? "";
    expect(log).toMatch(
      new RegExp(`pull secret ${secretName} in ${lab.namespace}: created \\(credential version 1\\)`),
    );
    expect(log).toMatch(
      /patched Deployment team-\w+\/web container web to .*@sha256:\w+ \(was .*\) at resourceVersion \d+/,
    );
    // Per-replica progress, as the Deployment controller reports it.
    expect(log).toMatch(/Deployment team-\w+\/web: rolling out: [0-2]\/3 updated/);
    expect(log).toMatch(
      /Deployment team-\w+\/web: rollout complete: 3\/3 updated, 3\/3 ready, 3\/3 available/,
    );
    expect((await ctx.store.services.list({ serverId: lab.server.id }))[0]?.deployedDigest).toBe(
      lab.versions.v2.digest,
    );
  }, 120_000);

  it("an unhealthy digest: the Deployment controller reports ProgressDeadlineExceeded, the plan puts v2 back, which completes", async () => {
    const { plan, steps } = await lab.deploy("bad");
    expect(steps[0]).toMatchObject({ status: "failed", health: "unhealthy" });
    expect(steps[0]?.error).toMatch(
      /^unhealthy: Deployment team-\w+\/web: ProgressDeadlineExceeded: ReplicaSet "web-\w+" has timed out progressing/,
    );
    expect(plan.status).toBe("rolled_back");
    const deployment = await lab.read("web");
    expect(deployment.spec.template.spec.containers[0]?.image).toBe(lab.ref("v2"));
    expect(deployment.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(steps[0]?.log).toMatch(
      /put Deployment team-\w+\/web container web back on .*@sha256:\w+ \(the same patch/,
    );
    expect((await ctx.store.services.list({ serverId: lab.server.id }))[0]?.deployedDigest).toBe(
      lab.versions.v2.digest,
    );
  }, 120_000);

  it("a credential rotation updates the pull secret on the next deploy", async () => {
    const connectionId = lab.image.registryConnectionId ?? "";
    const rotated = await ctx.store.registries.saveCredentials(connectionId, {
      username: basic.username,
      password: basic.password,
    });
    expect(rotated.activeCredentialVersion).toBe(2);
    const { plan, steps } = await lab.deploy("v1");
    expect(plan.status).toBe("success");
    expect(steps[0]?.log).toMatch(/pull secret bridgeport-\w+ in team-\w+: updated \(credential version 2\)/);
    const secret = await readSecret(pullSecretName(connectionId));
    expect(secret.metadata.annotations["bridgeport.dev/credential-version"]).toBe("2");
    expect(dockerConfig(secret).auths[basic.host]).toMatchObject({ username: basic.username });
  }, 120_000);
});

describe("a Role without a verb the deploy needs", () => {
  it("fails the step naming the missing verb, resource and namespace; nothing changes", async () => {
    const rules = DEPLOYER_RULES.map((rule) =>
      rule.apiGroups.includes("apps") ? { ...rule, verbs: rule.verbs.filter((v) => v !== "patch") } : rule,
    );
    const narrow = await startKubernetesLab(cluster, basic, ctx, { rules, prefix: "team" });
    try {
      await narrow.deployment("web");
      await narrow.service("web");
      const { plan, steps } = await narrow.deploy("v2");
      expect(plan.status).toBe("failed");
      expect(steps[0]?.status).toBe("failed");
      expect(steps[0]?.error).toMatch(
        new RegExp(`^forbidden: needs patch on deployments\\.apps in ${narrow.namespace} \\(`),
      );
      expect((await narrow.read("web")).spec.template.spec.containers[0]?.image).toBe(narrow.ref("v1"));
    } finally {
      await narrow.stop();
    }
  }, 120_000);
});

/** A fresh Kubernetes target for Deployment `name` (as a plan run, or a bot after a restart, makes one). */
function targetFor(name: string) {
  const { store, registries } = ctx;
  return planTargets({
    hosts: storeHostProvider(store),
    imageRef: lab.imageName,
    registry: () => registryAccess({ store, registries }, lab.image.id),
    loginCache: new MemoryLoginCache(),
    healthCheckOf: () => null,
    clusters: storeClusterProvider(store),
    workloadOf: () => ({ namespace: lab.namespace, kind: "Deployment", name, container: "web" }),
  })({ kind: "k8s-workload" });
}

function stepFor(service: Service, from: "v1" | "v2", to: "v1" | "v2" | "bad"): PlanStep {
  return {
    serviceId: service.id,
    serviceName: service.name,
    kind: "k8s-workload",
    serverId: lab.server.id,
    serverName: "cluster",
    containerName: service.containerName,
    fromDigest: lab.versions[from].digest,
    toDigest: lab.versions[to].digest,
    level: 0,
    position: 0,
  };
}

const quiet = { log: async () => undefined };

describe("a concurrent edit between the read and the patch", () => {
  it("fails the deploy with a clear 409, patches nothing and retries nothing", async () => {
    await lab.deployment("api", { replicas: 1 });
    const step = stepFor(await lab.service("api"), "v1", "v2");
    const patches: string[] = [];
    // Someone scales the Deployment after the bot read it (the pull secret is ensured in between).
    const log = async (line: string) => {
      if (!line.startsWith("pull secret")) return;
      await cluster.admin.ok("PATCH", `/apis/apps/v1/namespaces/${lab.namespace}/deployments/api`, {
        body: { spec: { replicas: 2 } },
        contentType: "application/merge-patch+json",
      });
      patches.push(line);
    };
    await expect(targetFor("api").deploy(step, { log })).rejects.toThrow(
      /^Deployment api in team-\w+ was changed by someone else since it was read \(409 Conflict\): nothing was changed/,
    );
    expect(patches).toHaveLength(1);
    const deployment = await lab.read("api");
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0]?.image).toBe(lab.ref("v1"));
  }, 60_000);
});

describe("a bot restarted in the middle of a rollout", () => {
  it("reads how it ended from the Deployment: a finished rollout is deployed, a failed one is failed and put back", async () => {
    await lab.deployment("resume", { replicas: 1 });
    const service = await lab.service("resume");
    await targetFor("resume").deploy(stepFor(service, "v1", "v2"), quiet);
    // A new process: nothing remembered but the step and what the cluster says.
    expect(await targetFor("resume").resume(stepFor(service, "v1", "v2"), quiet)).toMatchObject({
      state: "deployed",
      detail: expect.stringMatching(/: rollout complete: 1\/1 updated, 1\/1 ready, 1\/1 available$/),
    });

    const bad = stepFor(service, "v2", "bad");
    await targetFor("resume").deploy(bad, quiet);
    const restarted = targetFor("resume");
    expect(await restarted.resume(bad, quiet)).toMatchObject({
      state: "failed",
      detail: expect.stringMatching(
        /: ProgressDeadlineExceeded: ReplicaSet "resume-\w+" has timed out progressing/,
      ),
    });
    expect(await restarted.restore(bad, quiet)).toBe(true);
    expect(await restarted.verify(bad, quiet)).toMatchObject({ healthy: true });
    expect((await lab.read("resume")).spec.template.spec.containers[0]?.image).toBe(lab.ref("v2"));
  }, 90_000);
});
