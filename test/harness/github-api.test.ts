import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "./github-api.js";

let github: FakeGitHub;
beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(() => github.stop());

const call = async (method: string, path: string, body?: unknown, token = "ghs_other") => {
  const response = await fetch(`${github.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("fake GitHub REST API", () => {
  it.each([
    ["admin", "admin", "admin"],
    ["maintain", "write", "maintain"],
    ["write", "write", "write"],
    ["triage", "read", "triage"],
    ["read", "read", "read"],
  ] as const)("reports the %s role as permission %s", async (role, permission, roleName) => {
    github.setPermission("acme/shop", `user-${role}`, role);
    const { body } = await call("GET", `/repos/acme/shop/collaborators/user-${role}/permission`);
    expect(body).toMatchObject({ permission, role_name: roleName, user: { login: `user-${role}` } });
  });

  it("serves a file from the default branch only", async () => {
    github.setFile("acme/shop", ".github/bridgeport.yml", "image: shop\n");
    const onMain = await call("GET", "/repos/acme/shop/contents/.github%2Fbridgeport.yml?ref=main");
    expect(Buffer.from(String(onMain.body.content), "base64").toString()).toBe("image: shop\n");
    const onHead = await call("GET", "/repos/acme/shop/contents/.github/bridgeport.yml?ref=feature");
    expect(onHead.status).toBe(404);
  });

  it("attributes comments to the app when written with its installation token, and records the edit", async () => {
    const { body: token } = await call("POST", "/app/installations/7/access_tokens", {});
    const created = await call(
      "POST",
      "/repos/acme/shop/issues/5/comments",
      { body: "one" },
      String(token.token),
    );
    expect(created.body).toMatchObject({ body: "one", user: { login: github.appLogin, type: "Bot" } });
    await call("PATCH", `/repos/acme/shop/issues/comments/${created.body.id}`, { body: "two" });
    expect(github.comments("acme/shop", 5)).toEqual([
      { id: created.body.id, body: "two", user: github.appLogin },
    ]);
  });

  it("records unknown routes and answers 404, and refuses requests without a token", async () => {
    const unknown = await call("DELETE", "/repos/acme/shop");
    expect(unknown.status).toBe(404);
    expect(github.requests.at(-1)).toMatchObject({ method: "DELETE", path: "/repos/acme/shop" });
    const anonymous = await fetch(`${github.url}/repos/acme/shop`);
    expect(anonymous.status).toBe(401);
  });
});
