import { readFile } from "node:fs/promises";
import {
  freePort,
  type KubernetesCluster,
  makeTempDir,
  removeTempDir,
  useKubernetes,
  waitUntil,
} from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { call, type Json, leaks } from "../bot/api-helpers.js";
import { type BotLab, startBotLab } from "../bot/bot-lab.js";
import { makeSelfSignedCert } from "../harness/self-signed-cert.js";
import {
  createDeployment,
  DEPLOYER_RULES,
  type KubernetesLab,
  startKubernetesLab,
} from "./kubernetes-lab.js";

// A cluster and its workloads through the bot's REST API: a kubeconfig pasted once, the
// connection test's checks, a workload service, and POST /api/deploy. The control plane is
// real; there is no kubelet, the harness's stand-in marks pods of healthy digests Ready.
const { basic } = inject("registries");
let cluster: KubernetesCluster;
let bot: BotLab;
let lab: KubernetesLab;
let dir: string;
let token: string;

const api = (method: string, path: string, body?: unknown) => call(bot, method, path, body);
const kubeconfig = (user: { token: string }, namespace: string) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "lab",
        cluster: { server: cluster.info.url, "certificate-authority-data": b64(cluster.info.caPem) },
      },
      { name: "elsewhere", cluster: { server: "https://127.0.0.1:1", "insecure-skip-tls-verify": true } },
    ],
    users: [
      { name: "deployer", user },
      {
        name: "plugin",
        user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "true" } },
      },
    ],
    contexts: [
      { name: "lab", context: { cluster: "lab", user: "deployer", namespace } },
      { name: "other", context: { cluster: "elsewhere", user: "plugin" } },
    ],
    "current-context": "lab",
  });
const b64 = (text: string) => Buffer.from(text).toString("base64");
const addServer = (body: Json) => api("POST", `/api/environments/${lab.image.environmentId}/servers`, body);

beforeAll(async () => {
  cluster = await useKubernetes(inject("kubernetes"));
  bot = await startBotLab();
  const { store, registries } = bot.bot.deps;
  lab = await startKubernetesLab(cluster, basic, { store, registries });
  await lab.deployment("web");
  dir = await makeTempDir("kubernetes-api");
  token = await cluster.bearerTokenFor("api-deployer", { namespace: lab.namespace, rules: DEPLOYER_RULES });
}, 300_000);
afterAll(async () => {
  await lab?.stop();
  await bot?.stop();
  await cluster?.close();
  if (dir) await removeTempDir(dir);
});

describe("a cluster server", () => {
  let serverId: string;

  it("is added from a kubeconfig pasted once: only its context is used, the token is encrypted and never returned", async () => {
    const added = await addServer({
      name: "prod",
      mode: "kubernetes",
      kubeconfig: kubeconfig({ token }, lab.namespace),
    });
    expect(added.status).toBe(201);
    expect(added.body.server).toMatchObject({
      mode: "kubernetes",
      apiServerUrl: cluster.info.url,
      caCertificate: cluster.info.caPem,
      namespace: lab.namespace,
      authKind: "token",
      hasSecret: true,
      host: null,
    });
    serverId = added.body.server.id;
    expect(leaks(added, [token])).toEqual([]);
    expect(leaks(await api("GET", `/api/servers/${serverId}`), [token])).toEqual([]);
    expect((await bot.bot.deps.store.servers.getSecret(serverId))?.secret).toBe(token);

    const plugin = await addServer({
      name: "plugin",
      mode: "kubernetes",
      kubeconfig: kubeconfig({ token }, lab.namespace),
      kubeconfigContext: "other",
    });
    expect(plugin.status).toBe(400);
    expect(plugin.body.error).toMatch(
      /^kubeconfig: insecure-skip-tls-verify is not accepted|^kubeconfig: user plugin authenticates through a plugin/,
    );
    const both = await addServer({
      name: "both",
      mode: "kubernetes",
      kubeconfig: kubeconfig({ token }, lab.namespace),
      apiServerUrl: cluster.info.url,
    });
    expect(both.body.error).toBe("apiServerUrl: the kubeconfig gives it: send one or the other");
    const nowhere = await addServer({
      name: "nowhere",
      mode: "kubernetes",
      auth: { kind: "token", secret: token },
    });
    expect(nowhere.body.error).toBe("apiServerUrl: required when mode is kubernetes (or paste a kubeconfig)");
    const ssh = await addServer({
      name: "ssh-key",
      mode: "kubernetes",
      apiServerUrl: cluster.info.url,
      auth: { kind: "password", secret: "x" },
    });
    expect(ssh.body.error).toBe("auth: a cluster takes auth of kind token or client-certificate");
  });

  it("passes the connection test with the README's Role, and names the check and reason of each failure", async () => {
    const ok = await api("POST", `/api/servers/${serverId}/test`);
    expect(ok.body).toEqual({
      ok: true,
      kubernetes: { version: cluster.info.version, namespaces: [lab.namespace] },
    });

    const other = await makeSelfSignedCert(dir, "not-the-cluster-ca", { subjectAltName: "IP:127.0.0.1" });
    const wrongCa = await addServer({
      name: "wrong-ca",
      mode: "kubernetes",
      apiServerUrl: cluster.info.url,
      caCertificate: await readFile(other.certPath, "utf8"),
      namespace: lab.namespace,
      auth: { kind: "token", secret: token },
    });
    const closed = await addServer({
      name: "closed",
      mode: "kubernetes",
      apiServerUrl: `https://127.0.0.1:${await freePort()}`,
      caCertificate: cluster.info.caPem,
      auth: { kind: "token", secret: token },
    });
    const badToken = await addServer({
      name: "bad-token",
      mode: "kubernetes",
      apiServerUrl: cluster.info.url,
      caCertificate: cluster.info.caPem,
      auth: { kind: "token", secret: "not-a-token" },
    });
    const rules = DEPLOYER_RULES.map((rule) =>
      rule.apiGroups.includes("apps") ? { ...rule, verbs: rule.verbs.filter((v) => v !== "patch") } : rule,
    );
    const narrowToken = await cluster.bearerTokenFor("api-reader", { namespace: lab.namespace, rules });
    const narrow = await addServer({
      name: "narrow",
      mode: "kubernetes",
      kubeconfig: kubeconfig({ token: narrowToken }, lab.namespace),
    });
    const verdicts = await Promise.all(
      [wrongCa, closed, badToken, narrow].map(async (added) => {
        expect(added.status).toBe(201);
        return (await api("POST", `/api/servers/${added.body.server.id}/test`)).body;
      }),
    );
    expect(verdicts[0]).toMatchObject({ ok: false, failed: "ca" });
    expect(verdicts[0]?.error).toMatch(
      /has a certificate that the caCertificate given do not vouch for .*: set caCertificate to the cluster's CA$/,
    );
    expect(verdicts[1]).toMatchObject({ ok: false, failed: "api-server" });
    expect(verdicts[1]?.error).toMatch(/did not answer: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(verdicts[2]).toMatchObject({ ok: false, failed: "credential" });
    expect(verdicts[2]?.error).toMatch(
      /^unauthorized: the API server does not accept the cluster's token or client certificate/,
    );
    expect(verdicts[3]).toEqual({
      ok: false,
      failed: "permissions",
      error: `forbidden: needs patch on deployments.apps in ${lab.namespace}`,
    });
    for (const verdict of verdicts) expect(JSON.stringify(verdict)).not.toContain(token);
  });

  it("adds a Deployment's container as a service with the digest it runs, and deploys it with POST /api/deploy", async () => {
    const misnamed = await api("POST", `/api/servers/${serverId}/services`, {
      name: "web",
      containerName: "web",
      containerImageId: lab.image.id,
    });
    expect(misnamed.body.error).toBe(
      "containerName: a Kubernetes workload is named by workload, not containerName",
    );
    const added = await api("POST", `/api/servers/${serverId}/services`, {
      name: "web",
      containerImageId: lab.image.id,
      workload: { namespace: lab.namespace, name: "web", container: "web" },
    });
    expect(added.status).toBe(201);
    expect(added.body.service).toMatchObject({
      kind: "k8s-workload",
      containerName: "web",
      workload: { namespace: lab.namespace, kind: "Deployment", name: "web", container: "web" },
      deployedDigest: lab.versions.v1.digest,
    });
    expect(added.body.currentDigest.detail).toMatch(
      new RegExp(
        `^Deployment ${lab.namespace}/web runs .*@${lab.versions.v1.digest} \\(3/3 updated, 3/3 ready, 3/3 available\\)$`,
      ),
    );
    const environment = (await bot.bot.deps.store.environments.get(lab.image.environmentId))?.name;
    const requested = await api("POST", "/api/deploy", {
      environment,
      image: lab.imageName,
      digest: lab.versions.v2.digest,
    });
    expect(requested.status).toBe(202);
    const done = await waitUntil(
      async () => {
        const { body } = await api("GET", `/api/deployment-plans/${requested.body.planId}`);
        return ["pending", "running"].includes(body.plan?.status) ? undefined : body;
      },
      { what: "the plan to finish", timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(done.result).toMatchObject({ status: "success" });
    expect(done.result.services).toEqual([
      expect.objectContaining({ status: "success", health: "healthy", toDigest: lab.versions.v2.digest }),
    ]);
    expect((await lab.read("web")).spec.template.spec.containers[0]?.image).toBe(lab.ref("v2"));
  }, 90_000);

  it("discovers the workloads of the namespace it may read, with the digest a tag resolved to from the pods", async () => {
    const tagged = `${lab.imageName}:v1.0.0`;
    lab.kubelet.healthy(tagged, { digest: lab.versions.v1.digest });
    await createDeployment(cluster, lab.namespace, "tagged", tagged, { replicas: 2 });
    const report = await api("POST", `/api/servers/${serverId}/discover`);
    expect(report.status).toBe(200);
    // The Role may not list namespaces: the server's own is read. "web" is already a service.
    expect(report.body).toEqual({
      imagesCreated: [],
      servicesCreated: [`${lab.namespace}/tagged`],
      servicesLinked: [],
      skipped: [],
      withoutDigest: [],
    });
    const services = await bot.bot.deps.store.services.list({ serverId });
    expect(services.find((s) => s.containerName === "tagged")).toMatchObject({
      kind: "k8s-workload",
      namespace: lab.namespace,
      workloadKind: "Deployment",
      workloadContainer: "web",
      containerImageId: lab.image.id,
      deployedDigest: lab.versions.v1.digest,
    });
    const prune = await api("POST", `/api/servers/${serverId}/prune-images`, {});
    expect(prune.body.error).toMatch(/is a Kubernetes cluster: it has no Docker engine$/);
  });
});
