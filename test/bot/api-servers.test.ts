import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Answer, call, leaks } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

const PRIVATE_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key-but-secret\n-----END OPENSSH PRIVATE KEY-----";
const PASSWORD = "server-password-value";
const answers: Answer[] = [];

let lab: BotLab;
let envId: string;
let imageId: string;
const api = async (method: string, path: string, body?: unknown) => {
  const answer = await call(lab, method, path, body);
  answers.push(answer);
  return answer;
};

beforeAll(async () => {
  lab = await startBotLab();
  envId = (await call(lab, "POST", "/api/environments", { name: "servers" })).body.environment.id;
  imageId = (
    await call(lab, "POST", `/api/environments/${envId}/container-images`, {
      name: "App",
      imageName: "registry.example.com/team/app",
    })
  ).body.image.id;
});
afterAll(async () => {
  await lab?.stop();
});

describe("servers API", () => {
  it("creates an SSH server with a key, showing hasSecret and never the key", async () => {
    const res = await api("POST", `/api/environments/${envId}/servers`, {
      name: "server-1",
      mode: "ssh",
      host: "127.0.0.2",
      port: 2222,
      username: "deploy",
      auth: { kind: "key", secret: PRIVATE_KEY },
    });
    expect(res.status).toBe(201);
    expect(res.body.server).toMatchObject({
      name: "server-1",
      mode: "ssh",
      host: "127.0.0.2",
      port: 2222,
      username: "deploy",
      authKind: "key",
      hasSecret: true,
      dockerSocketPath: "/var/run/docker.sock",
    });
    const id = res.body.server.id;
    const patched = await api("PATCH", `/api/servers/${id}`, {
      auth: { kind: "password", secret: PASSWORD },
    });
    expect(patched.body.server).toMatchObject({ authKind: "password", hasSecret: true });
    const cleared = await api("PATCH", `/api/servers/${id}`, { auth: null });
    expect(cleared.body.server).toMatchObject({ authKind: null, hasSecret: false });
    expect((await api("GET", `/api/servers/${id}`)).body).toEqual(cleared.body);
    const listed = await api("GET", `/api/environments/${envId}/servers`);
    expect(listed.body.servers.map((s: { id: string }) => s.id)).toContain(id);
  });

  it.each([
    [{ mode: "ssh", username: "deploy" }, "host:"],
    [{ mode: "ssh", host: "127.0.0.2" }, "username:"],
    [{ mode: "ftp" }, "mode:"],
    [{ mode: "ssh", host: "bad host; rm -rf", username: "deploy" }, "host:"],
    [{ mode: "ssh", host: "h", username: "deploy", port: 70000 }, "port:"],
    [{ mode: "socket", socketPath: "relative.sock" }, "socketPath:"],
    [{ mode: "ssh", host: "h", username: "deploy", auth: { kind: "cookie", secret: "x" } }, "auth.kind:"],
    // A cluster's kind of credential, on an SSH server.
    [
      { mode: "ssh", host: "h", username: "deploy", auth: { kind: "token", secret: "x" } },
      "auth: kind token",
    ],
    [{ mode: "ssh", host: "h", username: "deploy", hostKeyFingerprint: "MD5:aa" }, "hostKeyFingerprint:"],
  ])("answers 400 naming the field for %j", async (change, field) => {
    const res = await api("POST", `/api/environments/${envId}/servers`, { name: "bad", ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.startsWith(field)).toBe(true);
  });

  it.each([
    [{ mode: "ssh" }, "host:"],
    [{ mode: "ssh", host: "127.0.0.2" }, "username:"],
  ])("refuses a PATCH that leaves an SSH server without host or user: %j", async (patch, field) => {
    const res = await api("POST", `/api/environments/${envId}/servers`, {
      name: `to-ssh-${field.slice(0, -1)}`,
      mode: "socket",
      socketPath: "/run/bridgeport-patch.sock",
    });
    const patched = await api("PATCH", `/api/servers/${res.body.server.id}`, patch);
    expect(patched.status).toBe(400);
    expect(patched.body.error.startsWith(field)).toBe(true);
    const ok = await api("PATCH", `/api/servers/${res.body.server.id}`, {
      mode: "ssh",
      host: "h",
      username: "u",
    });
    expect(ok.body.server).toMatchObject({ mode: "ssh", host: "h", username: "u" });
  });

  describe("a PATCH that changes where the key or password goes", () => {
    const pinned = `SHA256:${"A".repeat(43)}`;
    const other = `SHA256:${"B".repeat(43)}`;
    const sshServer = async (name: string, fingerprint: string | null) =>
      api("POST", `/api/environments/${envId}/servers`, {
        name,
        mode: "ssh",
        host: "127.0.0.2",
        port: 2222,
        username: "deploy",
        auth: { kind: "password", secret: PASSWORD },
        hostKeyFingerprint: fingerprint,
      });

    it.each([
      [{ host: "127.0.0.9" }, "host"],
      [{ port: 22 }, "port"],
      [{ username: "root" }, "username"],
      [{ hostKeyFingerprint: other }, "hostKeyFingerprint"],
      [{ hostKeyFingerprint: null }, "hostKeyFingerprint"],
      [{ mode: "socket", socketPath: "/run/x.sock" }, "mode"],
    ])("refuses %j without auth, changing nothing", async (change, field) => {
      const res = await sshServer(`moving-${field}-${JSON.stringify(change).length}`, pinned);
      const path = `/api/servers/${res.body.server.id}`;
      const refused = await api("PATCH", path, change);
      expect(refused.status, refused.text).toBe(400);
      expect(refused.body.error).toMatch(new RegExp(`^${field}: .*send auth again`));
      expect((await api("GET", path)).body).toEqual(res.body);
    });

    it("takes the move with auth, or auth: null, and a first pin or a rename without", async () => {
      const res = await sshServer("moving-ok", null);
      const path = `/api/servers/${res.body.server.id}`;
      const pin = await api("PATCH", path, { hostKeyFingerprint: pinned, name: "moving-ok-2", port: 2222 });
      expect(pin.body.server).toMatchObject({ hostKeyFingerprint: pinned, hasSecret: true });
      const moved = await api("PATCH", path, {
        host: "127.0.0.9",
        auth: { kind: "key", secret: PRIVATE_KEY },
      });
      expect(moved.body.server).toMatchObject({ host: "127.0.0.9", authKind: "key", hasSecret: true });
      const cleared = await api("PATCH", path, { hostKeyFingerprint: other, auth: null });
      expect(cleared.body.server).toMatchObject({ hostKeyFingerprint: other, hasSecret: false });
      // Nothing left to protect: a server without a secret moves freely.
      expect((await api("PATCH", path, { host: "127.0.0.10" })).status).toBe(200);
    });
  });

  it("answers 404 for unknown servers and 409 for duplicates and servers with services", async () => {
    for (const [method, path] of [
      ["GET", "/api/servers/missing"],
      ["PATCH", "/api/servers/missing"],
      ["DELETE", "/api/servers/missing"],
      ["GET", "/api/environments/missing/servers"],
      ["POST", "/api/servers/missing/discover"],
    ] as const) {
      expect((await api(method, path, method === "PATCH" ? {} : undefined)).status, `${method} ${path}`).toBe(
        404,
      );
    }
    const prune = await api("POST", "/api/servers/missing/prune-images", { mode: "all" });
    expect(prune.status).toBe(404);
    const socket = { name: "sock", mode: "socket", socketPath: "/run/bridgeport-absent.sock" };
    const first = await api("POST", `/api/environments/${envId}/servers`, socket);
    const dup = await api("POST", `/api/environments/${envId}/servers`, socket);
    expect(dup).toMatchObject({
      status: 409,
      body: { error: "A server with this name already exists in this environment" },
    });
    const serverId = first.body.server.id;
    await api("POST", `/api/servers/${serverId}/services`, {
      name: "api",
      containerName: "api",
      containerImageId: imageId,
    });
    expect(await api("DELETE", `/api/servers/${serverId}`)).toMatchObject({
      status: 409,
      body: { error: "Cannot delete server: 1 service(s) are still on it" },
    });
  });

  it("answers prune and discover on an unreachable Docker with 502 naming the server", async () => {
    const res = await api("POST", `/api/environments/${envId}/servers`, {
      name: "gone",
      mode: "socket",
      socketPath: "/run/bridgeport-missing-docker.sock",
    });
    const id = res.body.server.id;
    const prune = await api("POST", `/api/servers/${id}/prune-images`, { mode: "dangling" });
    expect(prune.status).toBe(502);
    expect(prune.body.error).toMatch(/^Server gone: /);
    expect((await api("POST", `/api/servers/${id}/prune-images`, { mode: "some" })).body.error).toMatch(
      /^mode:/,
    );
    expect((await api("POST", `/api/servers/${id}/discover`)).status).toBe(502);
  });
});

describe("services API", () => {
  let serverId: string;
  beforeAll(async () => {
    serverId = (
      await call(lab, "POST", `/api/environments/${envId}/servers`, {
        name: "svc-host",
        mode: "socket",
        socketPath: "/run/bridgeport-svc.sock",
      })
    ).body.server.id;
  });

  it("creates a service with a health check and dependencies, and edits both", async () => {
    const db = await api("POST", `/api/servers/${serverId}/services`, {
      name: "db",
      containerName: "db",
      containerImageId: imageId,
    });
    expect(db.status).toBe(201);
    const app = await api("POST", `/api/servers/${serverId}/services`, {
      name: "app-api",
      containerName: "app-api",
      containerImageId: imageId,
      healthCheck: { kind: "http", url: "http://127.0.0.1:8080/health" },
      dependsOn: [db.body.service.id],
    });
    expect(app.status).toBe(201);
    expect(app.body.service).toMatchObject({
      name: "app-api",
      serverId,
      containerImageId: imageId,
      kind: "container",
      healthCheck: {
        kind: "http",
        url: "http://127.0.0.1:8080/health",
        timeoutMs: 5000,
        intervalMs: 2000,
        retries: 10,
      },
      dependsOn: [db.body.service.id],
    });
    const id = app.body.service.id;
    const patched = await api("PATCH", `/api/services/${id}`, {
      healthCheck: { kind: "tcp", port: 5432, retries: 3 },
      dependsOn: [],
    });
    expect(patched.body.service).toMatchObject({
      healthCheck: { kind: "tcp", port: 5432, retries: 3 },
      dependsOn: [],
    });
    expect((await api("GET", `/api/services/${id}`)).body).toEqual(patched.body);
    expect((await api("DELETE", `/api/services/${id}`)).status).toBe(204);
    expect((await api("GET", `/api/services/${id}`)).status).toBe(404);
  });

  it.each([
    [{ containerName: "bad name" }, "containerName:"],
    [{ healthCheck: { kind: "http", url: "ftp://x" } }, "healthCheck.url:"],
    [{ healthCheck: { kind: "tcp", port: 5432, timeoutMs: 10 } }, "healthCheck.timeoutMs:"],
    [{ healthCheck: { kind: "smoke" } }, "healthCheck.kind:"],
    [{ kind: "pod" }, "kind:"],
  ])("answers 400 naming the field for %j", async (change, field) => {
    const body = { name: "bad", containerName: "bad", containerImageId: imageId, ...change };
    const res = await api("POST", `/api/servers/${serverId}/services`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.startsWith(field)).toBe(true);
  });

  it("answers 404 for unknown servers, images and dependencies, and 409 for a self-dependency", async () => {
    const body = { name: "x", containerName: "x", containerImageId: imageId };
    expect((await api("POST", "/api/servers/missing/services", body)).status).toBe(404);
    expect(
      (await api("POST", `/api/servers/${serverId}/services`, { ...body, containerImageId: "missing" }))
        .status,
    ).toBe(404);
    const created = await api("POST", `/api/servers/${serverId}/services`, body);
    const id = created.body.service.id;
    expect((await api("PATCH", `/api/services/${id}`, { dependsOn: ["missing"] })).status).toBe(404);
    expect(await api("PATCH", `/api/services/${id}`, { dependsOn: [id] })).toMatchObject({
      status: 409,
      body: { error: "A service cannot depend on itself" },
    });
    expect((await api("PATCH", "/api/services/missing", {})).status).toBe(404);
    expect((await api("DELETE", "/api/services/missing")).status).toBe(404);
  });
});

describe("secrets", () => {
  it("never appear in any answer", () => {
    expect(answers.length).toBeGreaterThan(20);
    for (const answer of answers)
      expect(leaks(answer, [PRIVATE_KEY, "not-a-real-key-but-secret", PASSWORD])).toEqual([]);
  });
});
