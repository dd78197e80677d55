import { randomBytes } from "node:crypto";
import { type FaultProxy, pushOciImage, startFaultProxy } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Answer, call, leaks } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

const { basic } = inject("registries");
const repo = `api-registries/app-${randomBytes(3).toString("hex")}`;
const secrets = [
  "dop_v1_abc123...",
  basic.password,
  "rotated-password-value",
  "wrong-password-value",
  "ecr-secret-access-key-value",
  "gcr-private-key-value",
];
const answers: Answer[] = [];

let lab: BotLab;
let envId: string;
const api = async (method: string, path: string, body?: unknown) => {
  const answer = await call(lab, method, path, body);
  answers.push(answer);
  return answer;
};
const generic = (name: string, password = basic.password) =>
  api("POST", `/api/environments/${envId}/registries`, {
    name,
    type: "generic",
    registryUrl: basic.url,
    username: basic.username,
    password,
  });

beforeAll(async () => {
  lab = await startBotLab();
  envId = (await call(lab, "POST", "/api/environments", { name: "production" })).body.environment.id;
});
afterAll(async () => {
  await lab?.stop();
});

describe("registries API", () => {
  it("creates a registry from seed 000's example and answers in its shape", async () => {
    const res = await api("POST", `/api/environments/${envId}/registries`, {
      name: "Production DO Registry",
      type: "digitalocean",
      registryUrl: "https://api.digitalocean.com/v2/registry",
      repositoryPrefix: "my-registry",
      token: "dop_v1_abc123...",
      isDefault: true,
      refreshIntervalMinutes: 30,
      autoLinkPattern: "myapp-*",
    });
    expect(res.status).toBe(200);
    expect(res.body.registry).toMatchObject({
      id: expect.any(String),
      name: "Production DO Registry",
      type: "digitalocean",
      registryUrl: "https://api.digitalocean.com/v2/registry",
      repositoryPrefix: "my-registry",
      hasToken: true,
      hasPassword: false,
      credentialVersion: 1,
      isDefault: true,
      refreshIntervalMinutes: 30,
      autoLinkPattern: "myapp-*",
    });

    const patched = await api("PATCH", `/api/registries/${res.body.registry.id}`, {
      autoLinkPattern: "other-*",
    });
    expect(patched.status).toBe(200);
    expect(patched.body.registry).toMatchObject({
      autoLinkPattern: "other-*",
      hasToken: true,
      credentialVersion: 1,
    });
    const listed = await api("GET", `/api/environments/${envId}/registries`);
    expect(listed.body.registries.map((r: { name: string }) => r.name)).toContain("Production DO Registry");
    expect((await api("GET", `/api/registries/${res.body.registry.id}`)).body).toEqual(patched.body);
  });

  it("defaults refreshIntervalMinutes to 30 and isDefault to false", async () => {
    const res = await api("POST", `/api/environments/${envId}/registries`, {
      name: "public",
      type: "public",
      registryUrl: "https://registry.example.com",
    });
    expect(res.body.registry).toMatchObject({
      refreshIntervalMinutes: 30,
      isDefault: false,
      repositoryPrefix: null,
      autoLinkPattern: null,
      hasToken: false,
      hasPassword: false,
      credentialVersion: null,
    });
  });

  it("keeps ECR and GCR key material secret too", async () => {
    const ecr = await api("POST", `/api/environments/${envId}/registries`, {
      name: "ecr",
      type: "ecr",
      registryUrl: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      accessKeyId: "AKIAEXAMPLEKEYID",
      secretAccessKey: "ecr-secret-access-key-value",
      region: "eu-west-1",
    });
    expect(ecr.status).toBe(200);
    expect(ecr.body.registry).toMatchObject({ hasToken: false, hasPassword: false, credentialVersion: 1 });
    const gcr = await api("POST", `/api/environments/${envId}/registries`, {
      name: "gcr",
      type: "gcr",
      registryUrl: "https://gcr.io",
      serviceAccountKey: '{"private_key":"gcr-private-key-value"}',
    });
    expect(gcr.body.registry.credentialFields).toEqual(["serviceAccountKey"]);
  });

  it.each([
    [{ type: "nope" }, "type:"],
    [{ registryUrl: "ftp://registry.example.com" }, "registryUrl:"],
    [{ registryUrl: "https://user:pw@registry.example.com" }, "registryUrl:"],
    [{ refreshIntervalMinutes: 4 }, "refreshIntervalMinutes:"],
    [{ refreshIntervalMinutes: 1441 }, "refreshIntervalMinutes:"],
    [{ region: "mars" }, "region:"],
    [{ name: "" }, "name:"],
    [{ repositoryPrefix: "Bad Prefix" }, "repositoryPrefix:"],
  ])("answers 400 naming the field for %j", async (change, field) => {
    const body = { name: "bad", type: "generic", registryUrl: "https://registry.example.com", ...change };
    const res = await api("POST", `/api/environments/${envId}/registries`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.startsWith(field)).toBe(true);
  });

  const hostileUrls = [
    "https://registry.example.com;$(id)",
    "https://registry.example.com/`id`",
    "https://registry.example.com/$(id)",
    "https://registry.example.com\n",
    "https://registry.example.com/v2\nX-Injected: 1",
    "https://reg\u0000istry.example.com",
    " https://registry.example.com",
    "https://registry.example.com ",
    "https://registry .example.com",
    "https://registry.example.com/a b",
    "https://registry.example.com\t",
    "https://registry.example.com/?q=1",
    "https://registry.example.com:99999",
  ];
  const hostileSecrets = [
    { username: "ci\nX-Injected: 1" },
    { username: "ci\u0000admin" },
    { username: "ci\r" },
    { password: "pass\r\nX-Injected: 1" },
    { token: "tok\u0000en" },
    { accessKeyId: "AKIA\nEXAMPLE" },
    { sessionToken: "session\u001btoken" },
    { serviceAccountKey: '{"key":"a\u0000b"}' },
  ];
  const listNames = async () =>
    (await api("GET", `/api/environments/${envId}/registries`)).body.registries.map(
      (r: { name: string; registryUrl: string }) => `${r.name} ${r.registryUrl}`,
    );

  it.each(hostileUrls)("refuses registryUrl %j on create and PATCH, storing nothing", async (url) => {
    const before = await listNames();
    const created = await api("POST", `/api/environments/${envId}/registries`, {
      name: "hostile-url",
      type: "generic",
      registryUrl: url,
    });
    expect(created.status, created.text).toBe(400);
    expect(created.body.error.startsWith("registryUrl:"), created.body.error).toBe(true);
    expect(await listNames()).toEqual(before);

    const target = await generic(`url-target-${hostileUrls.indexOf(url)}`);
    const id = target.body.registry.id;
    const patched = await api("PATCH", `/api/registries/${id}`, { registryUrl: url });
    expect(patched.status, patched.text).toBe(400);
    expect(patched.body.error.startsWith("registryUrl:")).toBe(true);
    expect((await api("GET", `/api/registries/${id}`)).body.registry.registryUrl).toBe(basic.url);
  });

  it.each(hostileSecrets)("refuses credential %j on create, PATCH and rotation", async (secret) => {
    const [field] = Object.keys(secret);
    const before = await listNames();
    const created = await api("POST", `/api/environments/${envId}/registries`, {
      name: "hostile-secret",
      type: "generic",
      registryUrl: basic.url,
      ...secret,
    });
    expect(created.status, created.text).toBe(400);
    expect(created.body.error.startsWith(`${field}:`), created.body.error).toBe(true);
    expect(await listNames()).toEqual(before);

    const target = await generic(`secret-target-${hostileSecrets.indexOf(secret)}`);
    const id = target.body.registry.id;
    for (const [method, path] of [
      ["PATCH", `/api/registries/${id}`],
      ["POST", `/api/registries/${id}/credentials`],
    ] as const) {
      const res = await api(method, path, secret);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.error.startsWith(`${field}:`)).toBe(true);
    }
    const versions = await api("GET", `/api/registries/${id}/credentials`);
    expect(versions.body.versions).toHaveLength(1);
  });

  it("still takes a registry URL with a port and a path, and a multi-line key file", async () => {
    const res = await api("POST", `/api/environments/${envId}/registries`, {
      name: "gar-with-path",
      type: "gar",
      registryUrl: "https://europe-docker.pkg.dev:443/project_1/repo-a",
      serviceAccountKey: '{\n  "type": "service_account",\n\t"private_key": "k"\n}\n',
    });
    expect(res.status, res.text).toBe(200);
  });

  it("answers 404 for unknown ids and 409 with the seed's messages", async () => {
    for (const [method, path] of [
      ["GET", "/api/registries/missing"],
      ["PATCH", "/api/registries/missing"],
      ["DELETE", "/api/registries/missing"],
      ["POST", "/api/registries/missing/test"],
      ["GET", "/api/registries/missing/repositories"],
      ["GET", "/api/registries/missing/credentials"],
      ["POST", "/api/environments/missing/registries"],
    ] as const) {
      const body =
        method === "PATCH"
          ? {}
          : method === "POST" && path.includes("environments")
            ? {
                name: "x",
                type: "public",
                registryUrl: "https://r.example.com",
              }
            : undefined;
      expect((await api(method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    const first = await generic("dup-name");
    const dup = await generic("dup-name");
    expect(dup).toMatchObject({
      status: 409,
      body: { error: "A registry connection with this name already exists in this environment" },
    });
    const id = first.body.registry.id;
    await lab.bot.deps.store.images.create({
      environmentId: envId,
      name: "attached",
      imageName: `${basic.host}/${repo}-attached`,
      registryConnectionId: id,
    });
    const refused = await api("DELETE", `/api/registries/${id}`);
    expect(refused).toMatchObject({
      status: 409,
      body: { error: "Cannot delete registry connection with 1 container image(s) attached" },
    });
  });

  it("tests the connection: ok with the right password, the seed's reason without", async () => {
    const good = await generic("good");
    expect((await api("POST", `/api/registries/${good.body.registry.id}/test`)).body).toEqual({ ok: true });
    const bad = await generic("bad-password", "wrong-password-value");
    const verdict = await api("POST", `/api/registries/${bad.body.registry.id}/test`);
    expect(verdict.status).toBe(200);
    expect(verdict.body.ok).toBe(false);
    expect(verdict.body.error).toMatch(/^Connection test failed: .*401/);
  });

  it("tests an unsaved registry with the saved test's answers, storing nothing", async () => {
    const path = `/api/environments/${envId}/registries/test`;
    const body = (password: string) => ({
      type: "generic",
      registryUrl: basic.url,
      username: basic.username,
      password,
    });
    const stored = async () => ({
      registries: await listNames(),
      versions: (await lab.bot.deps.store.registries.list()).map((r) => r.activeCredentialVersion),
    });
    const before = await stored();
    const good = await api("POST", path, body(basic.password));
    expect(good).toMatchObject({ status: 200, body: { ok: true } });
    const bad = await api("POST", path, { name: "not saved", ...body("wrong-password-value") });
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.error).toMatch(/^Connection test failed: .*401/);
    expect(await stored()).toEqual(before);

    // The same connection saved answers the same.
    const saved = await generic("saved-like-unsaved", "wrong-password-value");
    expect((await api("POST", `/api/registries/${saved.body.registry.id}/test`)).body).toEqual(bad.body);
    // A good test right after a bad one with the same user: no state carries over between tests.
    expect((await api("POST", path, body(basic.password))).body).toEqual({ ok: true });
  });

  it("validates an unsaved registry as create does", async () => {
    const path = `/api/environments/${envId}/registries/test`;
    for (const [change, field] of [
      [{ registryUrl: "https://registry.example.com;$(id)" }, "registryUrl:"],
      [{ username: "ci\nX-Injected: 1" }, "username:"],
      [{ type: "nope" }, "type:"],
      [{ extra: 1 }, "(body):"],
    ] as const) {
      const res = await api("POST", path, { ...{ type: "generic", registryUrl: basic.url }, ...change });
      expect(res.status, JSON.stringify(change)).toBe(400);
      expect(res.body.error.startsWith(field), res.body.error).toBe(true);
    }
    const missing = await api("POST", "/api/environments/missing/registries/test", {
      type: "public",
      registryUrl: basic.url,
    });
    expect(missing.status).toBe(404);
  });

  it("lists the catalog narrowed by repositoryPrefix and browses a repository's tags", async () => {
    const pushed = await pushOciImage(basic, repo, "v1.2.3", { created: "2026-02-01T00:00:00Z" });
    await pushOciImage(basic, repo, "latest", { seed: "other" });
    const res = await api("POST", `/api/environments/${envId}/registries`, {
      name: "catalog",
      type: "generic",
      registryUrl: basic.url,
      repositoryPrefix: "api-registries",
      username: basic.username,
      password: basic.password,
    });
    const id = res.body.registry.id;
    const catalog = await api("GET", `/api/registries/${id}/repositories`);
    expect(catalog.status).toBe(200);
    expect(catalog.body.repositories).toContain(repo);
    expect(catalog.body.repositories.every((r: string) => r.startsWith("api-registries/"))).toBe(true);

    const tags = await api("GET", `/api/registries/${id}/repositories/${encodeURIComponent(repo)}/tags`);
    expect(tags.status).toBe(200);
    expect(tags.body.repository).toBe(repo);
    expect(tags.body.tags).toHaveLength(2);
    expect(tags.body.tags).toContainEqual({
      tag: "v1.2.3",
      digest: pushed.digest,
      size: pushed.size,
      updatedAt: "2026-02-01T00:00:00.000Z",
    });
    const invalid = await api(
      "GET",
      `/api/registries/${id}/repositories/${encodeURIComponent("Bad Repo")}/tags`,
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.startsWith("repo:")).toBe(true);
  });

  it("answers check-updates in the seed's shape", async () => {
    const res = await generic("no-images");
    const check = await api("POST", `/api/registries/${res.body.registry.id}/check-updates`);
    expect(check).toMatchObject({
      status: 200,
      body: { results: [], summary: { checked: 0, withUpdates: 0, errors: 0 } },
    });
  });

  it("rotates credentials as versions, lists them without secrets and reactivates an older one", async () => {
    const res = await generic("rotating");
    const id = res.body.registry.id;
    const rotated = await api("POST", `/api/registries/${id}/credentials`, {
      username: basic.username,
      password: "rotated-password-value",
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body.registry).toMatchObject({ credentialVersion: 2, hasPassword: true });
    const versions = await api("GET", `/api/registries/${id}/credentials`);
    expect(versions.body.versions).toMatchObject([
      { version: 1, fields: ["username", "password"], active: false },
      { version: 2, fields: ["username", "password"], active: true },
    ]);
    expect((await api("POST", `/api/registries/${id}/test`)).body.ok).toBe(false);
    const back = await api("POST", `/api/registries/${id}/credentials/1/activate`);
    expect(back.body.registry.credentialVersion).toBe(1);
    expect((await api("POST", `/api/registries/${id}/test`)).body).toEqual({ ok: true });
    expect((await api("POST", `/api/registries/${id}/credentials/9/activate`)).status).toBe(404);
    expect((await api("POST", `/api/registries/${id}/credentials`, {})).status).toBe(400);

    // A PATCH of one secret field keeps the others: the username survives a password change.
    const patched = await api("PATCH", `/api/registries/${id}`, { password: basic.password });
    expect(patched.body.registry).toMatchObject({
      credentialVersion: 3,
      credentialFields: ["username", "password"],
    });
    expect((await api("POST", `/api/registries/${id}/test`)).body).toEqual({ ok: true });
  });

  describe("a PATCH that changes where the credentials go", () => {
    let elsewhere: FaultProxy;
    beforeAll(async () => {
      // The same registry behind another host: what a token holder would point the URL at.
      elsewhere = await startFaultProxy(basic.url);
    });
    afterAll(async () => {
      await elsewhere?.stop();
    });

    it.each([
      [{ registryUrl: "https://attacker.example" }, "registryUrl"],
      [{ type: "ghcr" }, "type"],
      [{ registryUrl: "https://attacker.example", name: "renamed" }, "registryUrl"],
    ])("refuses %j without the credentials, changing nothing", async (change, field) => {
      const res = await generic(`moving-${field}-${Object.keys(change).length}`);
      const path = `/api/registries/${res.body.registry.id}`;
      const refused = await api("PATCH", path, change);
      expect(refused.status, refused.text).toBe(400);
      expect(refused.body.error).toMatch(new RegExp(`^${field}: .*send the credentials again`));
      expect((await api("GET", path)).body).toEqual(res.body);
    });

    it("takes the move with new credentials and deletes every version of the old destination", async () => {
      const res = await generic("moving-with-credentials");
      const id = res.body.registry.id;
      await api("POST", `/api/registries/${id}/credentials`, { password: "rotated-password-value" });
      const moved = await api("PATCH", `/api/registries/${id}`, {
        registryUrl: elsewhere.url,
        username: basic.username,
        password: basic.password,
      });
      expect(moved.status, moved.text).toBe(200);
      expect(moved.body.registry).toMatchObject({ registryUrl: elsewhere.url, credentialVersion: 3 });
      const versions = await api("GET", `/api/registries/${id}/credentials`);
      expect(versions.body.versions).toMatchObject([{ version: 3, active: true }]);
      for (const old of [1, 2])
        expect((await api("POST", `/api/registries/${id}/credentials/${old}/activate`)).status).toBe(404);
      elsewhere.clear();
      expect((await api("POST", `/api/registries/${id}/test`)).body).toEqual({ ok: true });
      expect(elsewhere.requests.length).toBeGreaterThan(0);
    });

    it("needs nothing to resend when the URL stays or the registry has no credentials", async () => {
      const res = await generic("staying");
      const path = `/api/registries/${res.body.registry.id}`;
      const same = await api("PATCH", path, { registryUrl: basic.url, refreshIntervalMinutes: 60 });
      expect(same.body.registry).toMatchObject({ credentialVersion: 1, refreshIntervalMinutes: 60 });
      const open = await api("POST", `/api/environments/${envId}/registries`, {
        name: "open",
        type: "public",
        registryUrl: "https://registry.example.com",
      });
      const movedOpen = await api("PATCH", `/api/registries/${open.body.registry.id}`, {
        registryUrl: "https://mirror.example.com",
      });
      expect(movedOpen.status, movedOpen.text).toBe(200);
    });

    it("clears the credentials of a registry made public", async () => {
      const res = await generic("going-public");
      const id = res.body.registry.id;
      const made = await api("PATCH", `/api/registries/${id}`, { type: "public" });
      expect(made.status, made.text).toBe(200);
      expect(made.body.registry).toMatchObject({ credentialVersion: null, credentialFields: [] });
      expect((await api("GET", `/api/registries/${id}/credentials`)).body.versions).toEqual([]);
    });

    it("refuses a move away from the host of the images attached to it", async () => {
      const res = await generic("with-images");
      const id = res.body.registry.id;
      await api("POST", `/api/environments/${envId}/container-images`, {
        name: "attached-moving",
        imageName: `${basic.host}/${repo}-moving`,
        registryConnectionId: id,
      });
      const refused = await api("PATCH", `/api/registries/${id}`, {
        registryUrl: elsewhere.url,
        username: basic.username,
        password: basic.password,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe(
        `registryUrl: 1 container image(s) attached are on ${basic.host}, which ${elsewhere.url} does not serve: ` +
          "link them to another registry connection first",
      );
      expect((await api("GET", `/api/registries/${id}`)).body).toEqual(res.body);
    });
  });

  it("never returns a secret in any answer", () => {
    expect(answers.length).toBeGreaterThan(20);
    for (const answer of answers) expect(leaks(answer, secrets)).toEqual([]);
  });
});
