import { describe, expect, it } from "vitest";
import type { PlanDetail } from "../deploy/plan-detail.js";
import { describeEvent, type MessageContext } from "./describe.js";
import type { NotificationEvent } from "./events.js";
import { planStatusEvent } from "./events.js";
import { renderDiscord } from "./render-discord.js";
import { renderEmail } from "./render-email.js";
import { renderSlack, slackEscape } from "./render-slack.js";
import { signWebhook, verifyWebhookSignature } from "./webhook-signature.js";

const at = new Date("2026-02-25T10:02:31Z");
const digest = `sha256:${"ab".repeat(32)}`;
const ctx = (over: Partial<MessageContext> = {}): MessageContext => ({
  environment: "staging",
  publicUrl: "https://bridgeport.example.com",
  occurredAt: at,
  ...over,
});
const env = { environmentId: "env_1" };

function planDetail(
  status: PlanDetail["result"]["status"],
  services: PlanDetail["result"]["services"],
): PlanDetail {
  return {
    plan: {
      id: "plan_1",
      environmentId: "env_1",
      containerImageId: "img_1",
      imageDigestId: "dg_1",
      targetDigest: digest,
      targetTag: "v2.4.0",
      status,
      autoRollback: true,
      parallel: false,
      dryRun: false,
      trigger: "webhook",
      triggeredBy: "distribution",
      error: status === "success" ? null : "one or more services failed to deploy",
      rollbackOutcome: status === "rolled_back" ? "every changed service restored" : null,
      createdAt: at.toISOString(),
      startedAt: at.toISOString(),
      finishedAt: null,
    },
    steps: [],
    result: {
      planId: "plan_1",
      status,
      dryRun: false,
      environment: "staging",
      image: "registry.example.com/shop/api",
      digest,
      tag: "v2.4.0",
      error: status === "success" ? null : "one or more services failed to deploy",
      rollbackOutcome: null,
      signature: null,
      warnings: [],
      services,
    },
  };
}
const service = (name: string, status: "success" | "rolled_back", error: string | null = null) => ({
  serviceId: `svc_${name}`,
  service: name,
  server: "server-1",
  fromDigest: null,
  toDigest: digest,
  status,
  health: status === "success" ? ("healthy" as const) : ("unhealthy" as const),
  durationMs: 4200,
  error,
});

describe("a plan that deployed without a trusted signature", () => {
  it("says so in its message, as a warning", () => {
    const detail = planDetail("success", [service("api", "success")]);
    detail.result.warnings = ["deployed without a trusted signature: no signature by a trusted key"];
    const message = describeEvent(
      { kind: "plan_succeeded", ...env, planId: "plan_1" },
      ctx({ plan: detail }),
    );
    expect(message.tone).toBe("warning");
    expect(message.summary).toContain("deployed without a trusted signature");
  });
});

describe("messages", () => {
  it.each([
    [
      {
        kind: "update_available",
        ...env,
        imageId: "img_1",
        name: "api",
        image: "r.example/api",
        tag: "v2.4.0",
        digest,
        autoDeploy: true,
      },
      undefined,
      "Update for api: v2.4.0",
      "info",
      ["Open image"],
    ],
    [
      { kind: "plan_started", ...env, planId: "plan_1" },
      planDetail("running", [service("api", "success")]),
      "Deploying api:v2.4.0 to staging",
      "info",
      ["Open plan", "Open image"],
    ],
    [
      { kind: "plan_succeeded", ...env, planId: "plan_1" },
      planDetail("success", [service("api", "success")]),
      "Deployed api:v2.4.0 to staging",
      "good",
      ["Open plan", "Open image"],
    ],
    [
      { kind: "plan_rolled_back", ...env, planId: "plan_1" },
      planDetail("rolled_back", [service("api", "rolled_back", "health check failed: HTTP 500")]),
      "Rolled back: api:v2.4.0 in staging",
      "warning",
      ["Open plan", "Open image"],
    ],
    [
      { kind: "approval_required", ...env, planId: "plan_1", gate: "batch 2 of 3", reason: null },
      planDetail("running", []),
      "Approval needed: api:v2.4.0 to staging",
      "warning",
      ["Open plan"],
    ],
    [
      {
        kind: "registry_failing",
        ...env,
        registryId: "reg_1",
        registry: "harbor",
        failures: 3,
        error: "HTTP 503",
        recovered: false,
      },
      undefined,
      "Registry harbor is failing",
      "bad",
      [],
    ],
    [
      {
        kind: "registry_failing",
        ...env,
        registryId: "reg_1",
        registry: "harbor",
        failures: 4,
        error: null,
        recovered: true,
      },
      undefined,
      "Registry harbor recovered",
      "good",
      [],
    ],
    [
      { kind: "lock_changed", ...env, locked: true, holder: "alice", reason: "release freeze" },
      undefined,
      "staging locked by alice",
      "warning",
      [],
    ],
    [
      {
        kind: "channel_failing",
        ...env,
        channelId: "ch_1",
        channel: "ops",
        since: at.toISOString(),
        error: "HTTP 404",
      },
      undefined,
      "Notification channel ops is failing",
      "bad",
      [],
    ],
  ] as [NotificationEvent, PlanDetail | undefined, string, string, string[]][])(
    "%# %o reads as its title, tone and links",
    (event, plan, title, tone, links) => {
      const message = describeEvent(event, ctx({ plan }));
      expect(message).toMatchObject({ event: event.kind, title, tone });
      expect(message.links.map((l) => l.label)).toEqual(links);
      expect(message.fields.length).toBeLessThanOrEqual(10);
      expect(message.fields.every((f) => f.value !== "")).toBe(true);
    },
  );

  it("a rolled-back plan names the failing service and its reason", () => {
    const event: NotificationEvent = { kind: "plan_rolled_back", ...env, planId: "plan_1" };
    const message = describeEvent(
      event,
      ctx({
        plan: planDetail("rolled_back", [
          service("web", "rolled_back"),
          service("api", "rolled_back", "health check failed: HTTP 500"),
        ]),
      }),
    );
    expect(message.summary).toContain("api on server-1: health check failed: HTTP 500");
    expect(message.fields).toContainEqual({
      name: "api on server-1",
      value: "rolled back, unhealthy, 4.2 s: health check failed: HTTP 500",
    });
  });

  it("links go to the dashboard's /plans/:id and /images/:id, and are left out without a public URL", () => {
    const event: NotificationEvent = { kind: "plan_succeeded", ...env, planId: "plan_1" };
    const plan = planDetail("success", [service("api", "success")]);
    expect(describeEvent(event, ctx({ plan })).links.map((l) => l.url)).toEqual([
      "https://bridgeport.example.com/plans/plan_1",
      "https://bridgeport.example.com/images/img_1",
    ]);
    expect(describeEvent(event, ctx({ plan, publicUrl: null })).links).toEqual([]);
  });

  it("folded repeats say how many and since when", () => {
    const event: NotificationEvent = {
      kind: "update_available",
      ...env,
      imageId: "img_1",
      name: "api",
      image: "r/api",
      tag: "v5",
      digest,
      autoDeploy: false,
    };
    const message = describeEvent(event, ctx({ folded: { count: 3, since: at } }));
    expect(message.foldedNote).toBe("3 more updates of api since 2026-02-25 10:02 UTC");
  });

  it("many services stay within Slack's ten fields, the last one counting the rest", () => {
    const many = Array.from({ length: 12 }, (_, i) => service(`svc${i}`, "success"));
    const message = describeEvent(
      { kind: "plan_succeeded", ...env, planId: "plan_1" },
      ctx({ plan: planDetail("success", many) }),
    );
    expect(message.fields).toHaveLength(10);
    expect(message.fields.at(-1)).toEqual({ name: "More", value: "6 more services" });
  });

  it.each([
    ["running", "plan_started"],
    ["success", "plan_succeeded"],
    ["failed", "plan_failed"],
    ["rollback_failed", "plan_failed"],
    ["rolled_back", "plan_rolled_back"],
    ["pending", null],
    ["cancelled", null],
  ])("plan status %s is event %s", (status, kind) => {
    expect(planStatusEvent(status)).toBe(kind);
  });
});

describe("renderers keep within their receivers' limits", () => {
  const long = "x".repeat(5000);
  const event: NotificationEvent = {
    kind: "lock_changed",
    ...env,
    locked: true,
    holder: long,
    reason: `<@here> ${long}`,
  };
  const message = describeEvent(event, ctx());

  it("Slack: a text fallback, a header of at most 150, fields of at most 2000, escaped mrkdwn", () => {
    const body = renderSlack(message);
    expect(body.text.length).toBeLessThanOrEqual(3000);
    const [header, section] = body.blocks as [
      { type: string; text: { type: string; text: string } },
      { type: string; text: { text: string }; fields: { text: string }[] },
    ];
    expect(header.type).toBe("header");
    expect(header.text.type).toBe("plain_text");
    expect(Array.from(header.text.text).length).toBeLessThanOrEqual(150);
    expect(section.fields.length).toBeLessThanOrEqual(10);
    expect(section.fields.every((f) => Array.from(f.text).length <= 2000)).toBe(true);
    expect(section.fields.some((f) => f.text.includes("&lt;@here&gt;"))).toBe(true);
    expect(slackEscape("a <b> & c")).toBe("a &lt;b&gt; &amp; c");
  });

  it("Discord: one embed within 256/4096/1024 and 6000 in all, mentioning nobody", () => {
    const body = renderDiscord(message);
    const [embed] = body.embeds;
    if (!embed) throw new Error("no embed");
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect(embed.description.length).toBeLessThanOrEqual(4096);
    expect(
      embed.fields.every((f) => f.name.length <= 256 && f.value.length <= 1024 && f.value.length > 0),
    ).toBe(true);
    const total =
      embed.title.length +
      embed.description.length +
      embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
  });

  it("e-mail: one-line subject, a text part and an HTML part with the value escaped", () => {
    const mail = renderEmail(message);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain("Reason: <@here>");
    expect(mail.html).toContain("&lt;@here&gt;");
    expect(mail.html).not.toContain("<@here>");
  });
});

describe("webhook signatures", () => {
  const secret = "0123456789abcdef0123";
  const body = '{"event":"test"}';
  const signature = signWebhook(secret, 1_767_225_600, body);

  it.each([
    ["the signed delivery", { timestamp: "1767225600", signature, now: 1_767_225_630 }, true],
    [
      "a changed body",
      { timestamp: "1767225600", signature, now: 1_767_225_630, body: '{"event":"x"}' },
      false,
    ],
    ["a replay six minutes later", { timestamp: "1767225600", signature, now: 1_767_225_960 }, false],
    [
      "a new timestamp on the old signature",
      { timestamp: "1767225900", signature, now: 1_767_225_900 },
      false,
    ],
    ["no signature", { timestamp: "1767225600", signature: undefined, now: 1_767_225_600 }, false],
  ])("%s verifies: %s", (_, input, ok) => {
    expect(verifyWebhookSignature({ secret, body, ...input })).toBe(ok);
  });

  it("is sha256=<hex> over <timestamp>.<body>, as openssl computes it", () => {
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});
