import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { botClient } from "../../action/src/bot-client.js";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";
import { call } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

// A real plan, started the way the Action starts it (its own client, a `deploy` token),
// against a real registry and a real SSH server; then /metrics is scraped.
const { basic } = inject("registries");
let bot: BotLab;
let lab: DeployLab;

beforeAll(async () => {
  bot = await startBotLab();
  const { store, registries } = bot.bot.deps;
  lab = await startDeployLab(basic, 1, { store, registries });
}, 120_000);
afterAll(async () => {
  await lab?.stop();
  await bot?.stop();
});

const scrape = async () => (await fetch(`${bot.url}/metrics`)).text();
/** One sample's value from the Prometheus text, or undefined. */
const sample = (text: string, line: string) => {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
};

describe("a plan run with the Action's client and a deploy token", () => {
  it("succeeds, and /metrics counts its duration and each request by its route pattern", async () => {
    const created = await call(bot, "POST", "/api/tokens", { name: "action", role: "deploy" });
    expect(created.status).toBe(201);
    const client = botClient(bot.url, created.body.value);
    const environment = (await bot.bot.deps.store.environments.get(lab.image.environmentId))?.name ?? "";
    const before = await scrape();
    expect(sample(before, "bridgeport_plan_duration_seconds_count")).toBe(0);

    const { planId } = await client.deploy({
      environment,
      image: lab.image.imageName,
      ref: { digest: lab.versions.v2.digest },
      autoRollback: true,
      context: {},
    });
    const seen: string[] = [];
    for await (const event of client.events(planId, AbortSignal.timeout(90_000))) seen.push(event.event);
    expect(seen[0]).toBe("state");
    expect(seen).toContain("plan");
    const detail = await client.detail(planId);
    expect(detail.plan.status).toBe("success");

    const after = await scrape();
    expect(sample(after, "bridgeport_plan_duration_seconds_count")).toBe(1);
    expect(sample(after, "bridgeport_plan_duration_seconds_sum")).toBeGreaterThan(0);
    expect(sample(after, 'bridgeport_plans_total{status="success"}')).toBe(1);
    const requests = (method: string, route: string, status: number) =>
      sample(after, `bridgeport_http_requests_total{method="${method}",route="${route}",status="${status}"}`);
    expect(requests("POST", "/api/deploy", 202)).toBe(1);
    expect(requests("GET", "/api/deployment-plans/:planId", 200)).toBe(1);
    expect(requests("GET", "/api/deployment-plans/:planId/events", 200)).toBe(1);
    // The path's ids never become labels.
    expect(after).not.toContain(planId);
  });

  it("labels a webhook whose path carries a secret, and a path nothing serves, by pattern only", async () => {
    const secretInPath = "a-token-that-must-not-become-a-label";
    expect((await fetch(`${bot.url}/webhooks/dockerhub/${secretInPath}`, { method: "POST" })).status).toBe(
      401,
    );
    expect((await fetch(`${bot.url}/no/such/${secretInPath}`)).status).toBe(404);
    const text = await scrape();
    expect(
      sample(
        text,
        'bridgeport_http_requests_total{method="POST",route="/webhooks/dockerhub/:token",status="401"}',
      ),
    ).toBe(1);
    expect(text).not.toContain(secretInPath);
    expect(text).toContain(
      "# HELP bridgeport_http_requests_total HTTP requests by method, route pattern and status",
    );
  });
});
