import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedBytes } from "../../core/src/store/test-fixtures.js";
import { call, leaks } from "../bot/api-helpers.js";
import { type BotLab, startBotLab } from "../bot/bot-lab.js";
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

// The channel API against the real bot, and `POST .../test` against real receivers: the
// Slack and Discord stand-ins check every field against their documented formats, the
// webhook receiver verifies the signature as the README says, and the e-mail goes through a
// real SMTP server with STARTTLS and a login.
const token = `xoxb-${randomBytes(12).toString("hex")}`;
const signingSecret = randomBytes(20).toString("hex");
const smtpUser = { username: "bridgeport", password: randomBytes(12).toString("hex") };
let cert: LoopbackCert;
let lab: BotLab;
let slack: HttpReceiver;
let discord: HttpReceiver;
let webhook: HttpReceiver;
let smtp: SmtpReceiver;
let envId: string;

beforeAll(async () => {
  cert = await loopbackCert();
  lab = await startBotLab({}, { notify: { extraCa: [cert.cert] } });
  [slack, discord, webhook, smtp] = await Promise.all([
    startSlackReceiver(cert),
    startDiscordReceiver(cert),
    startSignedWebhookReceiver(signingSecret),
    startSmtpReceiver(cert, smtpUser),
  ]);
  envId = (await call(lab, "POST", "/api/environments", { name: "notify-api" })).body.environment.id;
});
afterAll(async () => {
  await Promise.all([slack?.stop(), discord?.stop(), webhook?.stop(), smtp?.stop()]);
  await lab?.stop();
});

const create = (body: Record<string, unknown>) =>
  call(lab, "POST", `/api/environments/${envId}/notification-channels`, body);
const emailBody = () => ({
  name: `mail-${randomBytes(3).toString("hex")}`,
  kind: "email",
  host: smtp.host,
  port: smtp.port,
  security: "starttls",
  username: smtpUser.username,
  password: smtpUser.password,
  from: "bridgeport@example.test",
  to: ["ops@example.test"],
  caCertificate: cert.cert,
});

describe("notification channel API", () => {
  it("refuses a bad URL, a non-https Slack URL and incomplete SMTP settings with 400 naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "a", kind: "slack", url: "http://hooks.slack.com/services/T0/B0/x" }, "url: "],
      [{ name: "a", kind: "slack", url: "not a url" }, "url: "],
      [{ name: "a", kind: "discord", url: "https://user:pw@discord.com/api/webhooks/1/x" }, "url: "],
      [{ name: "a", kind: "webhook", url: "ftp://127.0.0.1/x", secret: signingSecret }, "url: "],
      [{ name: "a", kind: "webhook", url: `${webhook.url}/hook` }, "secret: "],
      [{ name: "a", kind: "webhook", url: `${webhook.url}/hook`, secret: "short" }, "secret: "],
      [{ name: "a", kind: "teams", url: "https://example.test" }, "kind: "],
      [(({ from: _, ...rest }) => rest)(emailBody()), "from: "],
      [(({ host: _, ...rest }) => rest)(emailBody()), "host: "],
      [(({ to: _, ...rest }) => rest)(emailBody()), "to: "],
      [{ ...emailBody(), to: ["not-an-address"] }, "to.0: "],
      [(({ password: _, ...rest }) => rest)(emailBody()), "password: required with a username"],
      [{ ...emailBody(), security: "none" }, "password: needs security starttls or tls"],
    ];
    for (const [body, field] of cases) {
      const answer = await create(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.error).toContain(field);
      expect(leaks(answer, [signingSecret, smtpUser.password])).toEqual([]);
    }
  });

  it("creates, lists, edits and deletes channels without ever answering a secret", async () => {
    const url = `${slack.url}/services/T000/B000/${token}`;
    const created = await create({
      name: "ops",
      kind: "slack",
      url,
      events: ["plan_failed", "plan_rolled_back"],
    });
    expect(created.status).toBe(201);
    expect(created.body.channel).toMatchObject({
      name: "ops",
      kind: "slack",
      events: ["plan_failed", "plan_rolled_back"],
      enabled: true,
      target: { kind: "slack", host: new URL(slack.url).host },
      hasUrl: true,
      hasSecret: false,
      hasPassword: false,
      failing: false,
    });
    const id = created.body.channel.id as string;
    const mail = await create(emailBody());
    expect(mail.body.channel).toMatchObject({
      hasPassword: true,
      target: { username: smtpUser.username, security: "starttls" },
    });

    const answers = [
      created,
      mail,
      await call(lab, "GET", `/api/environments/${envId}/notification-channels`),
      await call(lab, "GET", `/api/notification-channels/${id}`),
      await call(lab, "PATCH", `/api/notification-channels/${id}`, { url: `${url}x`, enabled: false }),
      await call(lab, "GET", "/api/openapi.json"),
    ];
    for (const answer of answers) expect(leaks(answer, [token, smtpUser.password])).toEqual([]);
    expect(answers[4]?.body.channel).toMatchObject({ enabled: false, hasUrl: true });

    // The kind decides which fields a PATCH may send; moving the password's server needs it again.
    expect(
      (await call(lab, "PATCH", `/api/notification-channels/${id}`, { host: "smtp.example.test" })).body
        .error,
    ).toBe("host: a slack channel has no host");
    const moved = await call(lab, "PATCH", `/api/notification-channels/${mail.body.channel.id}`, {
      host: "smtp.example.test",
    });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toContain("host: this sends the stored password to another server");
    expect(
      (
        await call(lab, "PATCH", `/api/notification-channels/${id}`, {
          url: "http://insecure.example.test/x",
        })
      ).status,
    ).toBe(400);

    expect((await call(lab, "DELETE", `/api/notification-channels/${id}`)).status).toBe(204);
    expect((await call(lab, "GET", `/api/notification-channels/${id}`)).status).toBe(404);
  });

  it("the stored URL, signing secret and password are encrypted in the database", async () => {
    const created = await create({
      name: "signed",
      kind: "webhook",
      url: `${webhook.url}/hook/${token}`,
      secret: signingSecret,
    });
    expect(created.status).toBe(201);
    // Kept, and readable only through the store's one way to a channel's secrets.
    expect(await lab.bot.deps.store.notificationChannels.getSecrets(created.body.channel.id)).toEqual({
      url: `${webhook.url}/hook/${token}`,
      secret: signingSecret,
    });
    const stored = await storedBytes(lab.dataDir);
    expect(stored.includes(created.body.channel.id)).toBe(true);
    for (const secret of [token, signingSecret, smtpUser.password]) {
      expect(stored.includes(secret)).toBe(false);
    }
  });
});

describe("POST /api/notification-channels/:id/test", () => {
  const test = async (body: Record<string, unknown>) => {
    const created = await create(body);
    expect(created.status).toBe(201);
    const answer = await call(lab, "POST", `/api/notification-channels/${created.body.channel.id}/test`);
    expect(answer.status).toBe(200);
    return { id: created.body.channel.id as string, answer };
  };

  it("Slack: the blocks pass the format check and the answer is reported", async () => {
    const { answer } = await test({
      name: "slack-test",
      kind: "slack",
      url: `${slack.url}/services/T1/B1/${token}`,
    });
    expect(answer.body).toMatchObject({ ok: true, status: 200, answer: "ok", error: null });
    const last = slack.received.at(-1);
    expect(last?.problems).toEqual([]);
    expect(last?.path).toBe(`/services/T1/B1/${token}`);
    expect((last?.json as { blocks: { type: string }[] } | undefined)?.blocks.map((b) => b.type)).toEqual([
      "header",
      "section",
    ]);
  });

  it("Discord: the embed passes the format check; a refused one reports Discord's answer", async () => {
    const { answer } = await test({
      name: "discord-test",
      kind: "discord",
      url: `${discord.url}/api/webhooks/1/${token}`,
    });
    expect(answer.body).toMatchObject({ ok: true, status: 200 });
    expect(discord.received.at(-1)?.problems).toEqual([]);
    expect(discord.received.at(-1)?.query.get("wait")).toBe("true");

    discord.script({
      status: 404,
      headers: { "content-type": "application/json" },
      body: '{"message": "Unknown Webhook", "code": 10015}',
    });
    const gone = await call(
      lab,
      "POST",
      `/api/notification-channels/${(await create({ name: "discord-gone", kind: "discord", url: `${discord.url}/api/webhooks/2/x` })).body.channel.id}/test`,
    );
    expect(gone.body).toMatchObject({
      ok: false,
      status: 404,
      error: 'HTTP 404: {"message": "Unknown Webhook", "code": 10015}',
    });
  });

  it("webhook: the receiver verifies the signature with the README's recipe", async () => {
    const { answer } = await test({
      name: "webhook-test",
      kind: "webhook",
      url: `${webhook.url}/in`,
      secret: signingSecret,
    });
    expect(answer.body).toMatchObject({ ok: true, status: 200, answer: "thanks" });
    const last = webhook.received.at(-1);
    expect(last?.problems).toEqual([]);
    expect(last?.headers["x-bridgeport-delivery"]).toBe(answer.body.deliveryId);
    expect(last?.json).toMatchObject({
      id: answer.body.deliveryId,
      event: "test",
      environment: { name: "notify-api" },
    });

    const wrong = await test({
      name: "webhook-wrong",
      kind: "webhook",
      url: `${webhook.url}/in`,
      secret: "a-different-secret-0000",
    });
    expect(wrong.answer.body).toMatchObject({
      ok: false,
      status: 401,
      error: "HTTP 401: the signature does not verify",
    });
  });

  it("e-mail: arrives over STARTTLS with a login, as a text and an HTML part; the log shows it", async () => {
    const { id, answer } = await test(emailBody());
    expect(answer.body).toMatchObject({ ok: true, status: 250 });
    const mail = smtp.mails.at(-1);
    expect(mail?.subject).toBe("[Bridgeport] Bridgeport test message");
    expect(mail?.text).toContain("Environment: notify-api");
    expect(mail?.html).toContain("<h2");
    expect(mail?.headers.get("x-bridgeport-delivery")).toBe(answer.body.deliveryId);
    expect(smtp.logins.at(-1)).toEqual({ username: smtpUser.username, secure: true });

    const log = await call(lab, "GET", `/api/notification-channels/${id}/deliveries`);
    expect(log.body.deliveries).toEqual([
      expect.objectContaining({
        id: answer.body.deliveryId,
        event: "test",
        status: "delivered",
        attempts: 1,
        responseStatus: 250,
      }),
    ]);
  });

  it("a server that cannot be reached is reported, with no secret in the answer", async () => {
    const { answer } = await test({ ...emailBody(), port: 9, password: smtpUser.password });
    expect(answer.body.ok).toBe(false);
    expect(answer.body.error).toMatch(/SMTP .*127\.0\.0\.1/);
    expect(leaks(answer, [smtpUser.password])).toEqual([]);
  });
});
