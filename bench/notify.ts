import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { type NotificationEvent, requestDeploy } from "@bridgeport/core";
import { startRegistry, waitUntil } from "@bridgeport/test/harness";
import { type BotLab, startBotLab } from "../test/bot/bot-lab.js";
import { type DeployLab, startDeployLab } from "../test/deploy/deploy-lab.js";
import {
  type HttpReceiver,
  loopbackCert,
  startDiscordReceiver,
  startSignedWebhookReceiver,
  startSlackReceiver,
} from "../test/notify/receivers/index.js";
import type { BenchResult } from "./run.js";

/**
 * Notifications under load, through the real bot (in process, default delivery policy: a 10 s
 * fold window) and the test suite's real receivers: the Slack and Discord stand-ins checking
 * every body, and the signature-verifying webhook receiver.
 *
 * 1. EVENTS update_available events, each about its own image (nothing folds), to 3 channels,
 *    one after another as the sync jobs would report them: the time from the call to its
 *    queued rows committed is `enqueue`. Then every message must arrive: `lost` counts
 *    (channel, image) pairs never acknowledged, `duplicates` those acknowledged twice.
 * 2. Real plans (2 SSH servers, real dockerd) alternating with the channels enabled and
 *    disabled, PLANS of each: `plan_overhead_ratio` is the median duration with channels over
 *    the median without.
 */
const EVENTS = 1_000;
const PLANS = 8;
const TARGETS = { lost: 0, duplicates: 0, p99EnqueueMs: 5, planOverheadRatio: 1.02 };

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const median = (values: number[]) => quantile(values, 0.5);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

/** The image each acknowledged message is about, read from the message as its receiver got it. */
const subjects: Record<string, (r: HttpReceiver["received"][number]) => string | undefined> = {
  webhook: (r) => (r.json as { data: { name?: string } }).data.name,
  slack: (r) => /^Update for (\S+):/.exec((r.json as { text: string }).text)?.[1],
  discord: (r) =>
    /^Update for (\S+):/.exec((r.json as { embeds: { title: string }[] }).embeds[0]?.title ?? "")?.[1],
};

export default async function run(): Promise<BenchResult> {
  const cert = await loopbackCert();
  const secret = randomBytes(20).toString("hex");
  const receivers = {
    slack: await startSlackReceiver(cert),
    discord: await startDiscordReceiver(cert),
    webhook: await startSignedWebhookReceiver(secret),
  };
  let bot: BotLab | undefined;
  let registry: Awaited<ReturnType<typeof startRegistry>> | undefined;
  let lab: DeployLab | undefined;
  try {
    bot = await startBotLab({ LOG_LEVEL: "error" }, { notify: { extraCa: [cert.cert] } });
    registry = await startRegistry({ auth: "htpasswd" });
    const { store, registries, notify, plans } = bot.bot.deps;
    lab = await startDeployLab(registry, 2, { store, registries });
    const environmentId = lab.image.environmentId;
    const channelIds: string[] = [];
    for (const [kind, receiver] of Object.entries(receivers)) {
      const channel = await store.notificationChannels.create({
        environmentId,
        name: kind,
        kind: kind as "slack" | "discord" | "webhook",
        events: ["update_available", "plan_started", "plan_succeeded", "plan_failed", "plan_rolled_back"],
        target: { kind: kind as "slack", host: new URL(receiver.url).host },
        secrets: { url: `${receiver.url}/bench/${kind}`, ...(kind === "webhook" ? { secret } : {}) },
      });
      channelIds.push(channel.id);
    }

    // 1. Events.
    const enqueueMs: number[] = [];
    const started = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      const event: NotificationEvent = {
        kind: "update_available",
        environmentId,
        imageId: `img_bench_${i}`,
        name: `bench-${i}`,
        image: `registry.example.test/bench/bench-${i}`,
        tag: "v1.0.1",
        digest: `sha256:${randomBytes(32).toString("hex")}`,
        autoDeploy: false,
      };
      const at = performance.now();
      await notify.notifier.notify(event);
      enqueueMs.push(performance.now() - at);
    }
    const acked = () =>
      Object.values(receivers).reduce((n, r) => n + r.received.filter((x) => x.answered === 200).length, 0);
    await waitUntil(() => acked() >= EVENTS * channelIds.length, {
      what: "every message acknowledged",
      timeoutMs: 180_000,
      intervalMs: 250,
    }).catch(() => undefined);
    // A moment more, so duplicates would show.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const deliveredS = (performance.now() - started) / 1000;
    let lost = 0;
    let duplicates = 0;
    let malformed = 0;
    for (const [kind, receiver] of Object.entries(receivers)) {
      const seen = new Map<string, number>();
      for (const r of receiver.received) {
        if (r.problems.length > 0) malformed++;
        if (r.answered !== 200) continue;
        const subject = subjects[kind]?.(r);
        if (subject?.startsWith("bench-")) seen.set(subject, (seen.get(subject) ?? 0) + 1);
      }
      lost += EVENTS - seen.size;
      duplicates += [...seen.values()].reduce((n, c) => n + c - 1, 0);
    }
    const messagesSent = Object.values(receivers).reduce((n, r) => n + r.received.length, 0);

    // 2. Plan overhead: alternate with and without the channels, same servers, same run.
    const durations = { with: [] as number[], without: [] as number[] };
    let version: "v1" | "v2" = "v2";
    for (let i = 0; i < PLANS * 2; i++) {
      const withChannels = i % 2 === 0;
      for (const id of channelIds) await store.notificationChannels.update(id, { enabled: withChannels });
      const result = await requestDeploy(store, {
        containerImageId: lab.image.id,
        imageDigestId: lab.digestIds[version],
        autoRollback: true,
        parallel: true,
        trigger: "api",
        triggeredBy: "bench",
      });
      if (result.kind !== "planned") throw new Error(`deploy refused: ${JSON.stringify(result)}`);
      plans.start(result.planId);
      const plan = await waitUntil(
        async () => {
          const p = await store.plans.get(result.planId);
          return p?.finishedAt ? p : undefined;
        },
        { what: "the plan to finish", timeoutMs: 120_000, intervalMs: 50 },
      );
      if (plan.status !== "success") throw new Error(`plan ${plan.id} ended ${plan.status}`);
      durations[withChannels ? "with" : "without"].push(
        (plan.finishedAt?.getTime() ?? 0) - (plan.startedAt?.getTime() ?? 0),
      );
      version = version === "v2" ? "v1" : "v2";
    }
    const planOverheadRatio = round(median(durations.with) / median(durations.without), 3);
    const p99EnqueueMs = round(quantile(enqueueMs, 0.99), 3);
    const met =
      lost === TARGETS.lost &&
      duplicates === TARGETS.duplicates &&
      p99EnqueueMs < TARGETS.p99EnqueueMs &&
      planOverheadRatio <= TARGETS.planOverheadRatio;
    return {
      events: EVENTS,
      channels: channelIds.length,
      messages_sent: messagesSent,
      lost,
      duplicates,
      malformed,
      p50_enqueue_ms: round(quantile(enqueueMs, 0.5), 3),
      p99_enqueue_ms: p99EnqueueMs,
      max_enqueue_ms: round(Math.max(...enqueueMs), 3),
      all_delivered_s: round(deliveredS, 1),
      plan_ms_with_channels: durations.with,
      plan_ms_without_channels: durations.without,
      plan_overhead_ratio: planOverheadRatio,
      targets: TARGETS,
      targets_met: met,
      summary: `${EVENTS} events x ${channelIds.length} channels: ${messagesSent} messages, lost ${lost}, duplicates ${duplicates}, p99 enqueue ${p99EnqueueMs} ms; plan overhead ${planOverheadRatio} (${met ? "targets met" : "targets NOT met"})`,
    };
  } finally {
    await lab?.stop();
    await registry?.stop();
    await bot?.stop();
    for (const receiver of Object.values(receivers)) await receiver.stop();
  }
}
