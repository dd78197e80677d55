import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotLab, startBotLab } from "./bot-lab.js";

let lab: BotLab;
beforeAll(async () => {
  lab = await startBotLab();
});
afterAll(async () => {
  await lab?.stop();
});

describe("the running bot", () => {
  it("answers health, readiness and Prometheus metrics without a token", async () => {
    expect(await (await fetch(`${lab.url}/healthz`)).json()).toEqual({ status: "ok" });
    expect((await fetch(`${lab.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${lab.url}/metrics`)).text();
    expect(metrics).toContain("bridgeport_http_requests_total");
  });

  it("guards the API with Bearer tokens and never echoes a presented token", async () => {
    const missing = await fetch(`${lab.url}/api/openapi.json`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: "Missing API token: send Authorization: Bearer <token>" });
    const wrong = await fetch(`${lab.url}/api/openapi.json`, {
      headers: { authorization: "Bearer not-a-real-token-value" },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain("not-a-real-token-value");
    const ok = await lab.api("/api/openapi.json");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ openapi: "3.1.0" });
  });

  it("accepts API tokens from the store, kept only as hashes", async () => {
    const { value } = await lab.bot.deps.store.apiTokens.create("ci");
    const res = await fetch(`${lab.url}/api/openapi.json`, { headers: { authorization: `Bearer ${value}` } });
    expect(res.status).toBe(200);
    const listed = await lab.bot.deps.store.apiTokens.list();
    expect(JSON.stringify(listed)).not.toContain(value);
  });
});
