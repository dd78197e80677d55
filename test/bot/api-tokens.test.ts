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
      token: {
        id: expect.any(String),
        name: "ci",
        role: "read",
        createdAt: expect.any(String),
        lastUsedAt: null,
      },
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

  it.each([[{ name: "" }], [{}], [{ name: "ci", value: "chosen" }], [{ name: "ci", role: "owner" }]])(
    "answers 400 for %j",
    async (body) => {
      const res = await call(lab, "POST", "/api/tokens", body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/^(name|role|\(body\)):/);
    },
  );
});

/** A request with a token of the caller's choosing; JSON in, status and JSON out. */
async function as(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${lab.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

const tokenOf = async (name: string, role: string) => {
  const created = await call(lab, "POST", "/api/tokens", { name, role });
  expect(created.status).toBe(201);
  expect(created.body.token.role).toBe(role);
  return created.body as { token: { id: string }; value: string };
};

describe("token roles", () => {
  /** The writes a deploy token may make: what the Action and CI need. */
  const deployWrites = new Set(["post /api/deploy", "post /api/container-images/{id}/deploy"]);
  const isDeployWrite = (method: string, path: string) =>
    deployWrites.has(`${method} ${path}`) || path.endsWith("/rollback");

  it("every route of the OpenAPI document: reads take a read token, deploys a deploy token, other writes admin", async () => {
    const read = await tokenOf("walk-read", "read");
    const deploy = await tokenOf("walk-deploy", "deploy");
    const doc = (await call(lab, "GET", "/api/openapi.json")).body;
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => ({ method, path })),
    );
    expect(operations.length).toBeGreaterThan(40);
    // What the Action calls, and the deploys the brief names: all in the document.
    for (const op of [
      "post /api/deploy",
      "get /api/deployment-plans/{planId}",
      "get /api/deployment-plans/{planId}/events",
    ])
      expect(operations.map((o) => `${o.method} ${o.path}`)).toContain(op);

    const refusals: string[] = [];
    for (const { method, path } of operations) {
      // Unknown ids: an allowed request ends in 404 or 400 and changes nothing.
      const url = path.replace(/\{[^}]+\}/g, "nope");
      const body = method === "get" || method === "delete" ? undefined : {};
      const needed = method === "get" ? "read" : isDeployWrite(method, path) ? "deploy" : "admin";
      for (const [role, token] of [
        ["read", read.value],
        ["deploy", deploy.value],
      ] as const) {
        const res = await as(token, method.toUpperCase(), url, body);
        const allowed = needed === "read" || (needed === "deploy" && role === "deploy");
        if (allowed && res.status === 403) refusals.push(`${role} refused ${method} ${path}`);
        if (!allowed) {
          if (res.status !== 403) refusals.push(`${role} allowed ${method} ${path} (${res.status})`);
          else
            expect(res.body.error).toContain(`needs a token with the ${needed} role; this one has ${role}`);
        }
      }
      expect((await as(lab.token, method.toUpperCase(), url, body)).status).not.toBe(403);
    }
    expect(refusals).toEqual([]);
  });

  it("a token sees only the tokens of its role or below; only admin creates or revokes", async () => {
    const admin = await tokenOf("list-admin", "admin");
    const deploy = await tokenOf("list-deploy", "deploy");
    const read = await tokenOf("list-read", "read");
    const seenBy = async (value: string) =>
      ((await as(value, "GET", "/api/tokens")).body.tokens as { name: string; role: string }[])
        .filter((t) => t.name.startsWith("list-"))
        .map((t) => t.name);
    expect(await seenBy(admin.value)).toEqual(["list-admin", "list-deploy", "list-read"]);
    expect(await seenBy(deploy.value)).toEqual(["list-deploy", "list-read"]);
    expect(await seenBy(read.value)).toEqual(["list-read"]);

    const made = await as(deploy.value, "POST", "/api/tokens", { name: "escalate", role: "admin" });
    expect(made).toEqual({
      status: 403,
      body: { error: "POST /api/tokens needs a token with the admin role; this one has deploy" },
    });
    expect((await as(deploy.value, "DELETE", `/api/tokens/${admin.token.id}`)).status).toBe(403);
    expect((await as(read.value, "DELETE", `/api/tokens/${read.token.id}`)).status).toBe(403);
    expect(
      (await as(admin.value, "POST", "/api/tokens", { name: "list-admin-2", role: "admin" })).status,
    ).toBe(201);
    expect((await as(admin.value, "DELETE", `/api/tokens/${deploy.token.id}`)).status).toBe(204);
  });

  it("BRIDGEPORT_ADMIN_TOKEN is admin; a token made without a role is read", async () => {
    const plain = await call(lab, "POST", "/api/tokens", { name: "no-role" });
    expect(plain.body.token.role).toBe("read");
    const refused = await as(plain.body.value, "POST", "/api/environments", { name: "nope" });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toContain("needs a token with the admin role");
    expect((await call(lab, "POST", "/api/tokens", { name: "by-admin", role: "admin" })).status).toBe(201);
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
