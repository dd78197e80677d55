import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, leaks } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

let lab: BotLab;
beforeAll(async () => {
  lab = await startBotLab();
});
afterAll(async () => {
  await lab?.stop();
});

describe("API tokens", () => {
  it("returns a new token's value once; the token works until it is deleted", async () => {
    const created = await call(lab, "POST", "/api/tokens", { name: "ci" });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      token: { id: expect.any(String), name: "ci", createdAt: expect.any(String), lastUsedAt: null },
      value: expect.stringMatching(/^bp_[A-Za-z0-9_-]{43}$/),
    });
    const { value, token } = created.body;
    const withToken = await fetch(`${lab.url}/api/tokens`, { headers: { authorization: `Bearer ${value}` } });
    expect(withToken.status).toBe(200);

    const listed = await call(lab, "GET", "/api/tokens");
    expect(listed.body.tokens).toContainEqual({ ...token, lastUsedAt: expect.any(String) });
    expect(leaks(listed, [value])).toEqual([]);

    expect((await call(lab, "DELETE", `/api/tokens/${token.id}`)).status).toBe(204);
    const revoked = await fetch(`${lab.url}/api/tokens`, { headers: { authorization: `Bearer ${value}` } });
    expect(revoked.status).toBe(401);
    expect((await call(lab, "DELETE", `/api/tokens/${token.id}`)).status).toBe(404);
  });

  it.each([[{ name: "" }], [{}], [{ name: "ci", value: "chosen" }]])("answers 400 for %j", async (body) => {
    const res = await call(lab, "POST", "/api/tokens", body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^(name|\(body\)):/);
  });
});

describe("OpenAPI document", () => {
  it.each([
    ["post", "/api/environments"],
    ["patch", "/api/environments/{id}"],
    ["post", "/api/environments/{envId}/registries"],
    ["patch", "/api/registries/{id}"],
    ["post", "/api/registries/{id}/test"],
    ["post", "/api/registries/{id}/check-updates"],
    ["get", "/api/registries/{id}/repositories"],
    ["get", "/api/registries/{id}/repositories/{repo}/tags"],
    ["post", "/api/registries/{id}/credentials"],
    ["post", "/api/registries/{id}/credentials/{version}/activate"],
    ["post", "/api/environments/{envId}/container-images"],
    ["patch", "/api/container-images/{id}"],
    ["get", "/api/container-images/{id}/tags"],
    ["get", "/api/container-images/{id}/digests"],
    ["post", "/api/container-images/{id}/check-updates"],
    ["get", "/api/container-images/{id}/history"],
    ["post", "/api/container-images/{id}/deploy"],
    ["post", "/api/container-images/{imageId}/link/{serviceId}"],
    ["get", "/api/container-images/{imageId}/linkable-services"],
    ["post", "/api/environments/{envId}/servers"],
    ["post", "/api/servers/{id}/prune-images"],
    ["post", "/api/servers/{id}/discover"],
    ["post", "/api/servers/{serverId}/services"],
    ["patch", "/api/services/{id}"],
    ["get", "/api/deployment-plans/{planId}"],
    ["get", "/api/deployment-plans/{planId}/events"],
    ["post", "/api/tokens"],
    ["delete", "/api/tokens/{id}"],
    ["get", "/api/jobs"],
    ["get", "/api/jobs/{id}"],
    ["get", "/api/webhook-deliveries"],
    ["get", "/api/webhook-deliveries/{id}"],
  ])("documents %s %s", async (method, path) => {
    const doc = (await call(lab, "GET", "/api/openapi.json")).body;
    expect(doc.paths[path]?.[method]?.responses).toBeDefined();
  });
});
