import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { syncImage } from "@bridgeport/core";
import {
  connectKubernetes,
  makeTempDir,
  pushOciImage,
  removeTempDir,
  runCommand,
  seedRegistryImage,
  startKubelet,
  startKubernetes,
  startRegistry,
  waitUntil,
} from "@bridgeport/test/harness";
import { startBotLab } from "../test/bot/bot-lab.js";
import { createDeployment, DEPLOYER_RULES, readDeployment } from "../test/kubernetes/kubernetes-lab.js";
import type { BenchResult } from "./run.js";

/**
 * A digest deploy of one 3-replica Deployment on a real control plane (kube-apiserver and the
 * Deployment and ReplicaSet controllers; the harness's stand-in kubelet marks pods Ready for the
 * healthy digests, so both sides wait on the same pod status writes), through the bot against
 * kubectl, in the same run on the same Deployment.
 *
 * ours: `POST /api/container-images/:id/deploy` to the plan's final status (polled every 50 ms).
 * kubectl: `kubectl set image deployment/web web=repo@digest`, then `kubectl rollout status`.
 * The two take turns on fresh digests; the medians are compared.
 *
 * rollback: a digest the kubelet never reports Ready, deployed through the bot: the Deployment
 * controller sets ProgressDeadlineExceeded, the bot patches the previous digest back and waits
 * for it. `rollback_s` runs from the step log's line that saw the deadline exceeded to the line
 * that saw the previous digest's rollout complete; `bad_to_restored_s` from the patch to the bad
 * digest to that same line (the progress deadline included).
 */
const ROUNDS = 5;
const REPLICAS = 3;
const PROGRESS_DEADLINE_S = 8;
const TARGETS = { ratio: 1.2, rollbackS: PROGRESS_DEADLINE_S + 3 };

export default async function k8sRollout(): Promise<BenchResult> {
  const setupStarted = performance.now();
  process.stderr.write("starting registry, Kubernetes control plane and bot...\n");
  const registry = await startRegistry({ auth: "htpasswd" });
  const kubernetes = await startKubernetes();
  const cluster = connectKubernetes(kubernetes.info());
  const bot = await startBotLab({ LOG_LEVEL: "warn" });
  const dir = await makeTempDir("bench-k8s");
  const namespace = `bench-${randomUUID().slice(0, 8)}`;
  await cluster.createNamespace(namespace);
  const kubelet = startKubelet(cluster.info, { namespaces: [namespace] });
  try {
    const info = registry.info();
    const repo = `bench/web-${randomUUID().slice(0, 8)}`;
    const imageName = `${info.host}/${repo}`;
    const push = (i: number) => pushOciImage(info, repo, `v6.${i}.0`, { seed: `${repo}-${i}` });
    const versions = [];
    for (let i = 0; i <= 2 * ROUNDS; i++) versions.push(await push(i));
    const bad = await push(99);
    for (const v of versions) kubelet.healthy(v.digest);
    kubelet.unhealthy(bad.digest);
    const first = versions[0];
    if (!first) throw new Error("no versions");
    await createDeployment(cluster, namespace, "web", `${imageName}@${first.digest}`, {
      replicas: REPLICAS,
      progressDeadlineSeconds: PROGRESS_DEADLINE_S,
    });

    const { store, registries } = bot.bot.deps;
    const seeded = await seedRegistryImage(store, info, {
      environment: `bench-${randomUUID().slice(0, 6)}`,
      connection: "bench",
      name: "web",
      repository: repo,
      tagFilter: "v*.*.*",
    });
    const { image } = seeded;
    await syncImage({ store, registries, now: () => new Date() }, image);
    const token = await cluster.bearerTokenFor("bridgeport", { namespace, rules: DEPLOYER_RULES });
    const server = await store.servers.create({
      environmentId: seeded.environment.id,
      name: "cluster",
      mode: "kubernetes",
      apiServerUrl: cluster.info.url,
      caCertificate: cluster.info.caPem,
      auth: { kind: "token", secret: token },
    });
    await store.services.create({
      serverId: server.id,
      containerImageId: image.id,
      name: "web",
      kind: "k8s-workload",
      containerName: "web",
      namespace,
      workloadKind: "Deployment",
      workloadContainer: "web",
      deployedDigest: first.digest,
    });
    // kubectl acts as the same identity, with the same Role (and caches in the bench's temp dir:
    // it gets no HOME).
    const kubeconfig = await cluster.writeKubeconfig(join(dir, "kubeconfig"), token);
    const kubectl = (args: string[]) =>
      runCommand(
        [
          "kubectl",
          "--kubeconfig",
          kubeconfig,
          "--cache-dir",
          join(dir, "kube-cache"),
          "-n",
          namespace,
          ...args,
        ],
        { timeoutMs: 120_000 },
      );
    const setupS = (performance.now() - setupStarted) / 1000;

    const viaBot = async (digest: string) => {
      const digestId = (await store.digests.findByManifestDigest(image.id, digest))?.id;
      const started = performance.now();
      const response = await bot.api(`/api/container-images/${image.id}/deploy`, {
        method: "POST",
        body: JSON.stringify({ imageDigestId: digestId, autoRollback: true }),
      });
      if (response.status !== 202)
        throw new Error(`deploy answered ${response.status}: ${await response.text()}`);
      const { planId } = (await response.json()) as { planId: string };
      const detail = await waitUntil(
        async () => {
          const body = (await (await bot.api(`/api/deployment-plans/${planId}`)).json()) as PlanAnswer;
          return ["pending", "running"].includes(body.plan.status) ? undefined : body;
        },
        { what: `plan ${planId} to end`, timeoutMs: 120_000, intervalMs: 50 },
      );
      return { seconds: (performance.now() - started) / 1000, detail, planId };
    };
    const viaKubectl = async (digest: string) => {
      const started = performance.now();
      await kubectl(["set", "image", "deployment/web", `web=${imageName}@${digest}`]);
      await kubectl(["rollout", "status", "deployment/web", "--timeout=120s"]);
      return (performance.now() - started) / 1000;
    };
    const available = async (digest: string) => {
      const d = await readDeployment(cluster, namespace, "web");
      return (
        d.spec.template.spec.containers[0]?.image === `${imageName}@${digest}` &&
        d.status.availableReplicas === REPLICAS
      );
    };

    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = [versions[2 * round + 1], versions[2 * round + 2]];
      if (!a || !b) throw new Error("missing version");
      process.stderr.write(`round ${round + 1}/${ROUNDS}: bot...\n`);
      const byBot = await viaBot(a.digest);
      if (byBot.detail.plan.status !== "success")
        throw new Error(`bot deploy ended ${byBot.detail.plan.status}`);
      if (!(await available(a.digest))) throw new Error("the bot's plan ended before the rollout did");
      ours.push(byBot.seconds);
      process.stderr.write(`round ${round + 1}/${ROUNDS}: kubectl...\n`);
      theirs.push(await viaKubectl(b.digest));
      if (!(await available(b.digest)))
        throw new Error("kubectl rollout status returned before the rollout ended");
    }
    const last = versions[2 * ROUNDS];
    if (!last) throw new Error("missing version");
    // The bot's next From is what kubectl left running.
    await waitUntil(() => available(last.digest), { what: "the last kubectl rollout", timeoutMs: 10_000 });

    process.stderr.write("rollback: a digest never Ready, through the bot...\n");
    const rollback = await viaBot(bad.digest);
    const step = rollback.detail.result.services[0];
    const log = (await store.plans.getWithSteps(rollback.planId))?.steps[0]?.log ?? "";
    const at = (pattern: RegExp, after = 0) => {
      const line = log.split("\n").find((l, i) => i >= after && pattern.test(l));
      return line
        ? { ms: Date.parse(line.slice(0, line.indexOf(" "))), index: log.split("\n").indexOf(line) }
        : null;
    };
    const patched = at(/ patched Deployment /);
    const detected = at(/: ProgressDeadlineExceeded: /);
    const putBack = at(/ put Deployment .* back on /);
    const restored = putBack ? at(/: rollout complete: /, putBack.index) : null;
    if (!patched || !detected || !restored) throw new Error(`the rollback's log lacks a line:\n${log}`);
    const rollbackS = round3((restored.ms - detected.ms) / 1000);
    const badToRestoredS = round3((restored.ms - patched.ms) / 1000);
    const back = await available(last.digest);

    const oursS = round3(median(ours));
    const kubectlS = round3(median(theirs));
    const ratio = round3(oursS / kubectlS);
    const met =
      ratio <= TARGETS.ratio &&
      rollbackS <= TARGETS.rollbackS &&
      badToRestoredS <= TARGETS.rollbackS &&
      rollback.detail.plan.status === "rolled_back" &&
      back;
    return {
      ours_s: oursS,
      kubectl_s: kubectlS,
      ratio,
      rollback_s: rollbackS,
      bad_to_restored_s: badToRestoredS,
      progress_deadline_s: PROGRESS_DEADLINE_S,
      targets: {
        ratio: `<= ${TARGETS.ratio}`,
        rollback_s: `<= ${TARGETS.rollbackS} (progress deadline + 3 s)`,
      },
      met,
      replicas: REPLICAS,
      kubernetes: cluster.info.version,
      rounds: { ours_s: ours.map(round3), kubectl_s: theirs.map(round3) },
      rollback: {
        plan_status: rollback.detail.plan.status,
        step_error: step?.error ?? null,
        previous_digest_available: back,
        bot_request_to_plan_end_s: round3(rollback.seconds),
      },
      setup_s: round3(setupS),
      notes: {
        ours_s: "median over rounds: deploy request to the plan's final status, through the bot's REST API",
        kubectl_s:
          "median over rounds: kubectl set image deployment/web web=repo@digest, then kubectl rollout status (two processes)",
        kubelet:
          "no kubelet: the harness's stand-in reports pod status by the bench's word on each digest, for both sides",
        rollback_s:
          "step log: the line that saw ProgressDeadlineExceeded to the line that saw the previous digest's rollout complete",
        bad_to_restored_s: "step log: the patch to the bad digest to the previous digest's rollout complete",
      },
      summary: `ours_s=${oursS} kubectl_s=${kubectlS} ratio=${ratio} (<=${TARGETS.ratio}) rollback_s=${rollbackS} bad_to_restored_s=${badToRestoredS} (<=${TARGETS.rollbackS}): ${met ? "targets met" : "TARGETS MISSED"}`,
    };
  } finally {
    await kubelet.stop();
    await bot.stop();
    await cluster.close();
    await kubernetes.stop();
    await registry.stop();
    await removeTempDir(dir);
  }
}

interface PlanAnswer {
  plan: { status: string };
  result: { services: { status: string; error: string | null }[] };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
