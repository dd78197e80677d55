import { randomBytes } from "node:crypto";
import { runnableImage, startRegistry, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../bot/api-helpers.js";
import { type BotLab, startBotLab } from "../bot/bot-lab.js";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";
import {
  type HttpReceiver,
  type LoopbackCert,
  loopbackCert,
  type SmtpReceiver,
  startDiscordReceiver,
  startSignedWebhookReceiver,
  startSlackReceiver,
  startSmtpReceiver,
} from "./receivers/index.js";

// End to end: a push to a real registry reaches the running bot, which finds the update and
// auto-deploys it to two real servers; every subscribed channel (Slack and Discord stand-ins,
// the signed webhook, e-mail over SMTP) is told, in order. A failing version rolls back and
// says which service failed and why. A receiver that never answers does not hold up the plan.
const webhookSecret = randomBytes(24).toString("hex");
const signingSecret = randomBytes(20).toString("hex");
const smtpUser = { username: "bridgeport", password: randomBytes(12).toString("hex") };
const PUBLIC_URL = "https://bridgeport.example.test";
let cert: LoopbackCert;
let bot: BotLab;
let registry: Awaited<ReturnType<typeof startRegistry>>;
let lab: DeployLab;
let slack: HttpReceiver;
let discord: HttpReceiver;
let webhook: HttpReceiver;
let hanging: HttpReceiver;
let smtp: SmtpReceiver;

beforeAll(async () => {
  cert = await loopbackCert();
  bot = await startBotLab(
    { WEBHOOK_DISTRIBUTION_SECRET: webhookSecret, BRIDGEPORT_PUBLIC_URL: `${PUBLIC_URL}/` },
    // A hung receiver is given longer than a plan takes, so the plan has to finish without it.
    { notify: { extraCa: [cert.cert], foldWindowMs: 300, timeoutMs: 30_000 } },
  );
  registry = await startRegistry({
    auth: "htpasswd",
    notifications: [{ url: `${bot.url}/webhooks/distribution`, headers: { Authorization: webhookSecret } }],
  });
  [slack, discord, webhook, hanging, smtp] = await Promise.all([
    startSlackReceiver(cert),
    startDiscordReceiver(cert),
    startSignedWebhookReceiver(signingSecret),
    startSignedWebhookReceiver(signingSecret),
    startSmtpReceiver(cert, smtpUser),
  ]);
  const { store, registries } = bot.bot.deps;
  lab = await startDeployLab(registry, 2, { store, registries });
  const envId = lab.image.environmentId;
  const channels = [
    { name: "slack", kind: "slack", url: `${slack.url}/services/T0/B0/${randomBytes(8).toString("hex")}` },
    {
      name: "discord",
      kind: "discord",
      url: `${discord.url}/api/webhooks/1/${randomBytes(8).toString("hex")}`,
    },
    { name: "webhook", kind: "webhook", url: `${webhook.url}/bridgeport`, secret: signingSecret },
    {
      name: "mail",
      kind: "email",
      host: smtp.host,
      port: smtp.port,
      security: "starttls",
      username: smtpUser.username,
      password: smtpUser.password,
      from: "bridgeport@example.test",
      to: ["ops@example.test"],
      caCertificate: cert.cert,
    },
  ];
  for (const channel of channels) {
    const created = await call(bot, "POST", `/api/environments/${envId}/notification-channels`, channel);
    expect(created.status).toBe(201);
  }
}, 180_000);
afterAll(async () => {
  await lab?.stop();
  await registry?.stop();
  await Promise.all([slack?.stop(), discord?.stop(), webhook?.stop(), hanging?.stop(), smtp?.stop()]);
  await bot?.stop();
});

type Body = {
  event: string;
  data: Record<string, unknown> & {
    plan?: { status: string; services: { service: string; status: string; error: string | null }[] };
  };
};
const webhookEvents = () => webhook.received.map((r) => (r.json as Body).event);
const slackHeaders = () =>
  slack.received.map((r) => (r.json as { blocks: { text: { text: string } }[] }).blocks[0]?.text.text ?? "");
const discordTitles = () =>
  discord.received.map((r) => (r.json as { embeds: { title: string }[] }).embeds[0]?.title ?? "");
const mailSubjects = () => smtp.mails.map((m) => m.subject ?? "");

async function push(tag: string, healthcheck: "passing" | "failing") {
  const repo = lab.image.imageName.slice(registry.host.length + 1);
  return runnableImage(registry, repo, tag, { version: tag, healthcheck });
}

describe("notifications of a push that deploys", () => {
  it("tells every channel update_available, plan_started, plan_succeeded, in that order", async () => {
    const { store } = bot.bot.deps;
    await lab.execute(await lab.deploy("v2"));
    await store.images.update(lab.image.id, { tagFilter: "v2.*.*", autoUpdate: true });
    const pushed = await push("v2.1.0", "passing");

    await waitUntil(
      () =>
        webhookEvents().includes("plan_succeeded") &&
        smtp.mails.length >= 3 &&
        slack.received.length >= 3 &&
        discord.received.length >= 3,
      {
        what: "three messages on every channel",
        timeoutMs: 120_000,
        intervalMs: 250,
      },
    );
    expect(webhookEvents()).toEqual(["update_available", "plan_started", "plan_succeeded"]);
    const update = webhook.received[0]?.json as Body;
    expect(update.data).toMatchObject({ tag: "v2.1.0", digest: pushed.digest, autoDeploy: true });
    expect(slackHeaders()).toEqual([
      expect.stringMatching(/^Update for web: v2\.1\.0$/),
      expect.stringMatching(/^Deploying web-[0-9a-f]+:v2\.1\.0 to deploy-/),
      expect.stringMatching(/^Deployed web-[0-9a-f]+:v2\.1\.0 to deploy-/),
    ]);
    expect(discordTitles().map((t) => t.split(" ")[0])).toEqual(["Update", "Deploying", "Deployed"]);
    expect(mailSubjects().map((s) => s.split(" ")[1])).toEqual(["Update", "Deploying", "Deployed"]);
    for (const r of [...slack.received, ...discord.received, ...webhook.received])
      expect(r.problems).toEqual([]);

    // Links into the dashboard, and the per-service outcome of the plan.
    const succeeded = webhook.received[2]?.json as Body & { links: { url: string }[] };
    const planId = (succeeded.data as { planId: string }).planId;
    expect(succeeded.links.map((l) => l.url)).toEqual([
      `${PUBLIC_URL}/plans/${planId}`,
      `${PUBLIC_URL}/images/${lab.image.id}`,
    ]);
    expect(succeeded.data.plan?.services.map((s) => s.status)).toEqual(["success", "success"]);
    const mail = smtp.mails[2];
    expect(mail?.text).toContain(`${PUBLIC_URL}/plans/${planId}`);
    expect(mail?.html).toContain(`href="${PUBLIC_URL}/plans/${planId}"`);
  });

  it("a version whose health check fails is rolled back, and the message names the failing service and reason", async () => {
    const before = webhook.received.length;
    await push("v2.2.0", "failing");
    const rolledBack = await waitUntil(
      () =>
        webhook.received.slice(before).find((r) => (r.json as Body).event === "plan_rolled_back")?.json as
          | Body
          | undefined,
      { what: "plan_rolled_back", timeoutMs: 150_000, intervalMs: 500 },
    );
    const services = rolledBack.data.plan?.services ?? [];
    expect(rolledBack.data.plan?.status).toBe("rolled_back");
    // The failing service was put back by its own step; the one after it never started.
    const failing = services.find((s) => s.error !== null);
    expect(failing?.status).toBe("failed");
    expect(failing?.error).toMatch(/health/i);
    const slackText = await waitUntil(
      () =>
        slack.received
          .map((r) => (r.json as { text: string }).text)
          .find((t) => t.startsWith("Rolled back:")),
      { what: "the Slack message", timeoutMs: 20_000 },
    );
    expect(slackText).toContain(`${failing?.service} on `);
    expect(slackText).toContain(failing?.error ?? "?");
  }, 180_000);

  it("a receiver that never answers does not delay the plan", async () => {
    const { store } = bot.bot.deps;
    const plans = await store.plans.list({ containerImageId: lab.image.id });
    const baseline = plans.find((p) => p.status === "success" && p.targetTag === "v2.1.0");
    if (!baseline?.startedAt || !baseline.finishedAt) throw new Error("no baseline plan");
    const baselineMs = baseline.finishedAt.getTime() - baseline.startedAt.getTime();

    hanging.script(...Array.from({ length: 10 }, () => ({ hang: true }) as const));
    const channel = await call(
      bot,
      "POST",
      `/api/environments/${lab.image.environmentId}/notification-channels`,
      {
        name: "never-answers",
        kind: "webhook",
        url: `${hanging.url}/hang`,
        secret: signingSecret,
        events: ["plan_started", "plan_succeeded"],
      },
    );
    const pushed = await push("v2.3.0", "passing");
    const plan = await waitUntil(
      async () =>
        (await store.plans.list({ containerImageId: lab.image.id })).find(
          (p) => p.targetDigest === pushed.digest && p.finishedAt !== null,
        ),
      { what: "the plan to finish", timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(plan.status).toBe("success");
    const tookMs = (plan.finishedAt?.getTime() ?? 0) - (plan.startedAt?.getTime() ?? 0);
    // The plan did not wait: its start message was still unanswered when it finished.
    expect(hanging.received.length).toBeGreaterThanOrEqual(1);
    const log = (await call(bot, "GET", `/api/notification-channels/${channel.body.channel.id}/deliveries`))
      .body.deliveries;
    expect(log.at(-1)).toMatchObject({ event: "plan_started", status: "sending" });
    expect(tookMs).toBeLessThan(baselineMs * 1.5 + 2_000);
  }, 150_000);
});
