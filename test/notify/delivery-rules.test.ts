import { randomBytes } from "node:crypto";
import type { NotificationEvent } from "@bridgeport/core";
import { waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../bot/api-helpers.js";
import { type BotLab, startBotLab } from "../bot/bot-lab.js";
import { type ScanReport, scanProcessesFor } from "../remote/secret-scan.js";
import {
  type HttpReceiver,
  type LoopbackCert,
  loopbackCert,
  startSignedWebhookReceiver,
  startSlackReceiver,
} from "./receivers/index.js";

// How the queue delivers: retries on 5xx, timeouts and 429 (after its Retry-After), none on
// other 4xx, one message at a time per channel in order, repeats folded, and a channel that
// keeps failing reported once through the others. Events go in through the bot's public
// notifier, as every hook (and the rollout policies' approvals) call it.
const secret = randomBytes(20).toString("hex");
/** Every URL here carries it, as Slack's and Discord's carry their tokens: it must never show. */
const urlToken = randomBytes(16).toString("hex");
const scans: { stop(): Promise<ScanReport> }[] = [];
const FOLD_MS = 400;
let cert: LoopbackCert;
let lab: BotLab;
let webhook: HttpReceiver;
let slack: HttpReceiver;

beforeAll(async () => {
  cert = await loopbackCert();
  lab = await startBotLab(
    {},
    {
      notify: {
        extraCa: [cert.cert],
        foldWindowMs: FOLD_MS,
        backoff: { baseMs: 300, maxMs: 2_000 },
        timeoutMs: 1_500,
        failingAfterMs: 1_500,
        maxAttempts: 6,
      },
    },
  );
  webhook = await startSignedWebhookReceiver(secret);
  slack = await startSlackReceiver(cert);
  scans.push(scanProcessesFor(secret), scanProcessesFor(urlToken));
});
afterAll(async () => {
  await webhook?.stop();
  await slack?.stop();
  await lab?.stop();
});

/** A fresh environment with one signed-webhook channel at its own path (so tests never share requests). */
async function world(events?: string[]) {
  const name = `rules-${randomBytes(4).toString("hex")}`;
  const envId = (await call(lab, "POST", "/api/environments", { name })).body.environment.id as string;
  const path = `/${name}/${urlToken}`;
  const channel = (
    await call(lab, "POST", `/api/environments/${envId}/notification-channels`, {
      name: "hook",
      kind: "webhook",
      url: `${webhook.url}${path}`,
      secret,
      ...(events ? { events } : {}),
    })
  ).body.channel;
  const requests = () => webhook.received.filter((r) => r.path === path);
  const log = async () =>
    (await call(lab, "GET", `/api/notification-channels/${channel.id}/deliveries`)).body.deliveries;
  return { envId, channelId: channel.id as string, path, requests, log };
}

const notify = (event: NotificationEvent) => lab.bot.deps.notify.notifier.notify(event);
const lock = (environmentId: string, holder: string, locked = true): NotificationEvent => ({
  kind: "lock_changed",
  environmentId,
  locked,
  holder,
  reason: null,
});
const update = (environmentId: string, tag: string, imageId = "img_api"): NotificationEvent => ({
  kind: "update_available",
  environmentId,
  imageId,
  name: "api",
  image: "registry.example.test/shop/api",
  tag,
  digest: `sha256:${randomBytes(32).toString("hex")}`,
  autoDeploy: false,
});

describe("delivery", () => {
  it("a receiver answering 500 twice then 200 gets the message once, under one delivery id", async () => {
    const w = await world();
    webhook.script({ status: 500, body: "boom" }, { status: 500, body: "boom" });
    await notify(lock(w.envId, "alice"));
    await waitUntil(() => w.requests().some((r) => r.answered === 200), {
      what: "the third attempt",
      timeoutMs: 20_000,
    });
    expect(w.requests().map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(new Set(w.requests().map((r) => r.headers["x-bridgeport-delivery"])).size).toBe(1);
    expect(w.requests().every((r) => r.problems.length === 0)).toBe(true);
    expect(await w.log()).toEqual([
      expect.objectContaining({
        event: "lock_changed",
        status: "delivered",
        attempts: 3,
        responseStatus: 200,
        lastError: null,
      }),
    ]);
  });

  it("a 429 with Retry-After: 2 is not retried sooner, in seconds or as an HTTP date", async () => {
    const w = await world();
    webhook.script({ status: 429, headers: { "retry-after": "2" }, body: "slow down" });
    await notify(lock(w.envId, "bob"));
    await waitUntil(() => w.requests().length === 2, { what: "the retry", timeoutMs: 20_000 });
    const [first, second] = w.requests();
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(2_000);

    const until = new Date(Math.ceil((Date.now() + 3_000) / 1000) * 1000);
    webhook.script({ status: 429, headers: { "retry-after": until.toUTCString() } });
    await notify(lock(w.envId, "carol"));
    await waitUntil(() => w.requests().length === 4, { what: "the retry after the date", timeoutMs: 20_000 });
    expect(w.requests()[3]?.at ?? 0).toBeGreaterThanOrEqual(until.getTime());
  });

  it("any other 4xx fails the message at once, without a retry", async () => {
    const w = await world();
    webhook.script({ status: 404, body: "no such hook" });
    await notify(lock(w.envId, "dave"));
    await waitUntil(async () => (await w.log())[0]?.status === "failed", {
      what: "the failure",
      timeoutMs: 10_000,
    });
    expect(await w.log()).toEqual([
      expect.objectContaining({
        status: "failed",
        attempts: 1,
        responseStatus: 404,
        lastError: "HTTP 404: no such hook",
      }),
    ]);
    expect(w.requests()).toHaveLength(1);
  });

  it("a receiver that never answers is timed out and tried again", async () => {
    const w = await world();
    webhook.script({ hang: true });
    await notify(lock(w.envId, "erin"));
    await waitUntil(() => w.requests().some((r) => r.answered === 200), {
      what: "the retry after a timeout",
      timeoutMs: 20_000,
    });
    const [log] = await w.log();
    expect(log).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("messages to one channel keep their order, even when the first one is retried", async () => {
    const w = await world();
    webhook.script({ status: 503 });
    // Three images: three subjects, so nothing folds.
    for (const tag of ["first", "second", "third"]) await notify(update(w.envId, tag, `img_${tag}`));
    await waitUntil(() => w.requests().filter((r) => r.answered === 200).length === 3, {
      what: "three messages",
      timeoutMs: 20_000,
    });
    const said = w.requests().map((r) => [(r.json as { data: { tag: string } }).data.tag, r.answered]);
    expect(said).toEqual([
      ["first", 503],
      ["first", 200],
      ["second", 200],
      ["third", 200],
    ]);
  });

  it("a burst of 100 updates of one image sends a handful of messages, saying how many were folded", async () => {
    const w = await world();
    for (let i = 0; i < 100; i++) {
      await notify(update(w.envId, `v1.${i}.0`));
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitUntil(
      async () => {
        const log = await w.log();
        return (
          log.length > 0 &&
          log.every((d: { status: string }) => d.status === "delivered") &&
          log.reduce((n: number, d: { folded: number }) => n + 1 + d.folded, 0) === 100
        );
      },
      { what: "every update accounted for", timeoutMs: 20_000 },
    );
    const bodies = w
      .requests()
      .map((r) => r.json as { folded: { count: number; note: string } | null; data: { tag: string } });
    expect(bodies.length).toBeLessThanOrEqual(5);
    expect(bodies.reduce((n, b) => n + 1 + (b.folded?.count ?? 0), 0)).toBe(100);
    expect(bodies.at(-1)?.data.tag).toBe("v1.99.0");
    expect(bodies[0]?.folded?.note).toMatch(/^\d+ more updates of api since \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  });

  it("a channel failing for the configured time is reported once through the others, and shows as failing", async () => {
    const w = await world();
    const path = `${w.path}-broken`;
    const broken = (
      await call(lab, "POST", `/api/environments/${w.envId}/notification-channels`, {
        name: "broken",
        kind: "slack",
        url: `${slack.url}${path}`,
      })
    ).body.channel;
    // Slack's answer to a webhook whose channel is gone: 404 channel_not_found, no retry.
    const gone = () => slack.script({ status: 404, body: "channel_not_found" });
    for (let i = 0; i < 3; i++) {
      gone();
      await notify(lock(w.envId, `try-${i}`, i % 2 === 0));
      await waitUntil(() => slack.received.filter((r) => r.path === path).length === i + 1, {
        what: `attempt ${i + 1}`,
        timeoutMs: 10_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 800));
    }
    const told = () => w.requests().filter((r) => (r.json as { event: string }).event === "channel_failing");
    await waitUntil(() => told().length === 1, {
      what: "the failing channel to be reported",
      timeoutMs: 10_000,
    });
    expect((told()[0]?.json as { data: unknown } | undefined)?.data).toMatchObject({
      channel: "broken",
      error: "HTTP 404: channel_not_found",
    });
    expect((await call(lab, "GET", `/api/notification-channels/${broken.id}`)).body.channel).toMatchObject({
      failing: true,
      lastError: "HTTP 404: channel_not_found",
    });
    gone();
    await notify(lock(w.envId, "once-more", false));
    await waitUntil(() => slack.received.filter((r) => r.path === path).length === 4, {
      what: "attempt 4",
      timeoutMs: 10_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(told()).toHaveLength(1);
  });

  it("approval_required, fired through the notifier, reaches Slack as well-formed blocks", async () => {
    const w = await world();
    const path = `${w.path}-approvals`;
    await call(lab, "POST", `/api/environments/${w.envId}/notification-channels`, {
      name: "approvals",
      kind: "slack",
      url: `${slack.url}${path}`,
      events: ["approval_required"],
    });
    await notify({
      kind: "approval_required",
      environmentId: w.envId,
      planId: "plan_x",
      gate: "batch 2 of 3",
      reason: "production needs a second pair of eyes",
    });
    const [got] = await waitUntil(
      () => {
        const mine = slack.received.filter((r) => r.path === path);
        return mine.length > 0 ? mine : undefined;
      },
      { what: "the approval message", timeoutMs: 10_000 },
    );
    expect(got?.problems).toEqual([]);
    expect((got?.json as { text: string } | undefined)?.text).toContain("Approval needed");
    expect((got?.json as { text: string } | undefined)?.text).toContain(
      "waits for approval before batch 2 of 3. production needs a second pair of eyes",
    );
    // The channel subscribed to approvals only: the webhook channel (all events) got it too, Slack nothing else.
    expect(slack.received.filter((r) => r.path === path)).toHaveLength(1);
  });

  it("no secret or URL token reached a log line or a process's command line", async () => {
    const reports = await Promise.all(scans.map((scan) => scan.stop()));
    expect(reports.every((r) => r.rounds > 0)).toBe(true);
    expect(reports.flatMap((r) => r.sightings)).toEqual([]);
    // The failures above were logged (warn), naming channel and error, never the URL or secret.
    expect(lab.logs.some((line) => line.includes("notification failed"))).toBe(true);
    expect(lab.logs.filter((line) => line.includes(secret) || line.includes(urlToken))).toEqual([]);
  });
});
