import { inspectSwarmService } from "@bridgeport/core";
import { type RunnableImage, startRegistry, waitUntil } from "@bridgeport/test/harness";
import { startBotLab } from "../test/bot/bot-lab.js";
import { addLabService, seedLabImage, startSwarmLab } from "../test/swarm/swarm-lab.js";
import type { BenchResult } from "./run.js";

/**
 * A digest deploy of one 3-replica Swarm service (a manager and a worker, private engines on
 * loopback, an htpasswd registry), through the bot against the docker CLI, in the same run on
 * the same service with the same rolling settings (one task at a time, 1 s monitor, health
 * probed every 250 ms).
 *
 * ours: `POST /api/container-images/:id/deploy` to the plan's final status (polled every 50 ms).
 * cli: `docker service update --with-registry-auth --image repo@digest` (which waits for what it
 * calls convergence), then polling UpdateStatus every 50 ms until Swarm says `completed` for
 * this update. The two take turns, each round on a version no node has pulled yet, so both pay
 * the same pulls; the medians are compared.
 *
 * rollback_detected: a digest whose HEALTHCHECK fails, deployed through the bot, ends as a
 * rolled_back plan with a failed step naming Swarm's rollback. The CLI's exit code and last
 * words for the same digest are recorded beside it.
 */
const ROUNDS = 3;
const TARGETS = { ratio: 1.15, rollbackDetected: 1 };

export default async function swarmDeploy(): Promise<BenchResult> {
  const setupStarted = performance.now();
  process.stderr.write("starting registry, swarm (manager + worker) and bot...\n");
  const registry = await startRegistry({ auth: "htpasswd" });
  const info = registry.info();
  const lab = await startSwarmLab(info, { workers: 1 });
  const bot = await startBotLab({ LOG_LEVEL: "warn" });
  try {
    const { store, registries } = bot.bot.deps;
    const versions: RunnableImage[] = [];
    for (let i = 0; i < 2 * ROUNDS; i++) versions.push(await lab.push(`v5.${i}.0`, "passing"));
    const { image, digestId } = await seedLabImage({ store, registries }, info, lab, "bench");
    await addLabService(store, lab, image);
    await lab.swarm.login(info);
    const setupS = (performance.now() - setupStarted) / 1000;

    const viaBot = async (digest: string) => {
      const imageDigestId = await digestId(digest);
      const started = performance.now();
      const response = await bot.api(`/api/container-images/${image.id}/deploy`, {
        method: "POST",
        body: JSON.stringify({ imageDigestId, autoRollback: true }),
      });
      if (response.status !== 202)
        throw new Error(`deploy answered ${response.status}: ${await response.text()}`);
      const { planId } = (await response.json()) as { planId: string };
      const detail = await waitUntil(
        async () => {
          const body = (await (await bot.api(`/api/deployment-plans/${planId}`)).json()) as PlanAnswer;
          return ["pending", "running"].includes(body.plan.status) ? undefined : body;
        },
        { what: `plan ${planId} to end`, timeoutMs: 300_000, intervalMs: 50 },
      );
      return { seconds: (performance.now() - started) / 1000, detail };
    };
    const viaCli = async (digest: string) => {
      const before = (await inspectSwarmService(lab.manager.engine, lab.serviceName))?.UpdateStatus
        ?.StartedAt;
      const started = performance.now();
      const run = await lab.swarm
        .docker(
          [
            "service",
            "update",
            "--detach=false",
            "--with-registry-auth",
            "--image",
            `${lab.imageName}@${digest}`,
            lab.serviceName,
          ],
          { timeoutMs: 300_000 },
        )
        .then(
          (result) => ({ code: 0, said: result.stdout }),
          (error: Error) => ({ code: 1, said: error.message }),
        );
      const state = await waitUntil(
        async () => {
          const status = (await inspectSwarmService(lab.manager.engine, lab.serviceName))?.UpdateStatus;
          const final = ["completed", "paused", "rollback_completed", "rollback_paused"].includes(
            status?.State ?? "",
          );
          return status?.StartedAt !== before && final ? status?.State : undefined;
        },
        { what: "Swarm to finish the CLI's update", timeoutMs: 300_000, intervalMs: 50 },
      );
      return { seconds: (performance.now() - started) / 1000, state, ...run };
    };

    const ours: number[] = [];
    const cli: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = [versions[2 * round], versions[2 * round + 1]];
      if (!a || !b) throw new Error("missing version");
      process.stderr.write(`round ${round + 1}/${ROUNDS}: bot...\n`);
      const byBot = await viaBot(a.digest);
      if (byBot.detail.plan.status !== "success")
        throw new Error(`bot deploy ended ${byBot.detail.plan.status}`);
      ours.push(byBot.seconds);
      process.stderr.write(`round ${round + 1}/${ROUNDS}: docker CLI...\n`);
      const byCli = await viaCli(b.digest);
      if (byCli.state !== "completed") throw new Error(`CLI update ended ${byCli.state}`);
      cli.push(byCli.seconds);
    }

    process.stderr.write("rollback: the unhealthy digest through the bot, then through the CLI...\n");
    const bad = await viaBot(lab.versions.bad.digest);
    const step = bad.detail.result.services[0];
    const detected =
      bad.detail.plan.status === "rolled_back" &&
      step?.status === "failed" &&
      /Swarm rolled the update back/.test(step.error ?? "")
        ? 1
        : 0;
    const badCli = await viaCli(lab.versions.bad.digest);

    const oursS = round3(median(ours));
    const cliS = round3(median(cli));
    const ratio = round3(oursS / cliS);
    const met = ratio <= TARGETS.ratio && detected === TARGETS.rollbackDetected;
    return {
      ours_s: oursS,
      cli_s: cliS,
      ratio,
      rollback_detected: detected,
      targets: { ratio: `<= ${TARGETS.ratio}`, rollback_detected: `=== ${TARGETS.rollbackDetected}` },
      met,
      replicas: lab.replicas,
      nodes: 1 + lab.swarm.workers.length,
      rounds: { ours_s: ours.map(round3), cli_s: cli.map(round3) },
      rollback: {
        bot_s: round3(bad.seconds),
        bot_plan_status: bad.detail.plan.status,
        bot_step_error: step?.error ?? null,
        cli_s: round3(badCli.seconds),
        cli_exit_code: badCli.code,
        cli_last_line: badCli.said.trim().split("\n").at(-1) ?? "",
        cli_update_state: badCli.state,
      },
      setup_s: round3(setupS),
      notes: {
        ours_s: "median over rounds: deploy request to the plan's final status, through the bot's REST API",
        cli_s:
          "median over rounds: docker service update --with-registry-auth --image repo@digest, then UpdateStatus polled until completed",
        settings:
          "--update-parallelism 1 --update-delay 0s --update-monitor 1s --update-failure-action rollback, HEALTHCHECK every 250 ms",
        rollback: "the CLI exits 0 on an update Swarm rolled back; only UpdateStatus tells",
      },
      summary: `ours_s=${oursS} cli_s=${cliS} ratio=${ratio} (<=${TARGETS.ratio}) rollback_detected=${detected} (===1) cli_exit_on_rollback=${badCli.code}: ${met ? "targets met" : "TARGETS MISSED"}`,
    };
  } finally {
    await bot.stop();
    await lab.stop();
    await registry.stop();
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
