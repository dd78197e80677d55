import { freePort } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dockerd, startDockerd } from "../harness/dockerd.js";
import { type Sshd, startSshd } from "../harness/sshd.js";
import { type Answer, call, type Json, leaks } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

let lab: BotLab;
let dockerd: Dockerd;
let sshd: Sshd;
/** A server whose SSH works but whose user's docker talks to a socket nothing listens on. */
let noDocker: Sshd;
let envId: string;
const answers: Answer[] = [];
const api = async (method: string, path: string, body?: unknown) => {
  const answer = await call(lab, method, path, body);
  answers.push(answer);
  return answer;
};

beforeAll(async () => {
  [lab, dockerd] = await Promise.all([startBotLab(), startDockerd()]);
  [sshd, noDocker] = await Promise.all([
    startSshd({ address: "127.0.0.2", dockerHost: dockerd.dockerHost }),
    startSshd({ address: "127.0.0.3", dockerHost: "unix:///run/bridgeport-server-test-no-docker.sock" }),
  ]);
  envId = (await call(lab, "POST", "/api/environments", { name: "server-test" })).body.environment.id;
}, 180_000);
afterAll(async () => {
  await lab?.stop();
  await Promise.allSettled([sshd?.stop(), noDocker?.stop()]);
  await dockerd?.stop();
});

let count = 0;
/** Creates an SSH server for `target` (key auth, its real host key pinned) with `change` over it. */
async function sshServer(target: Sshd, change: Json = {}): Promise<string> {
  const res = await api("POST", `/api/environments/${envId}/servers`, {
    name: `server-${++count}`,
    mode: "ssh",
    host: target.host,
    port: target.port,
    username: target.username,
    auth: { kind: "key", secret: target.privateKey },
    hostKeyFingerprint: target.hostKeyFingerprint,
    ...change,
  });
  expect(res.status, res.text).toBe(201);
  return res.body.server.id;
}
const testServer = (id: string) => api("POST", `/api/servers/${id}/test`);

describe("POST /api/servers/:id/test", () => {
  it("answers ok with docker's version when SSH, the host key, the login and docker all work", async () => {
    const res = await testServer(await sshServer(sshd));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      docker: { version: expect.any(String), apiVersion: expect.stringMatching(/^1\.\d+$/) },
      offeredHostKeyFingerprint: sshd.hostKeyFingerprint,
    });
  });

  it("gives a server created without a pinned key the key it offers, to pin in one PATCH", async () => {
    const id = await sshServer(sshd, { hostKeyFingerprint: undefined });
    const unpinned = await testServer(id);
    expect(unpinned.body).toMatchObject({
      ok: false,
      failed: "host-key",
      offeredHostKeyFingerprint: sshd.hostKeyFingerprint,
    });
    expect(unpinned.body.error).toMatch(/^no host key is pinned for .*: it offers SHA256:/);
    const pinned = await api("PATCH", `/api/servers/${id}`, {
      hostKeyFingerprint: unpinned.body.offeredHostKeyFingerprint,
    });
    expect(pinned.status, pinned.text).toBe(200);
    expect((await testServer(id)).body.ok).toBe(true);
  });

  it("takes a password as well as a key", async () => {
    const id = await sshServer(sshd, { auth: { kind: "password", secret: sshd.password } });
    expect((await testServer(id)).body.ok).toBe(true);
  });

  it.each<[string, () => Promise<string>, string, RegExp, boolean]>([
    [
      "another pinned key",
      () => sshServer(sshd, { hostKeyFingerprint: `SHA256:${"A".repeat(43)}` }),
      "host-key",
      /^SSH host key mismatch .*the server presented SHA256:/,
      true,
    ],
    [
      "a refused password",
      () => sshServer(sshd, { auth: { kind: "password", secret: "not-the-password" } }),
      "auth",
      /^SSH authentication failed for .* \(password refused\)/,
      true,
    ],
    [
      "no key or password stored",
      () => sshServer(sshd, { auth: undefined }),
      "auth",
      /^no key or password/,
      true,
    ],
    [
      "nothing listening on the port",
      async () => sshServer(sshd, { port: await freePort() }),
      "ssh",
      /^cannot connect to .*ECONNREFUSED/,
      false,
    ],
    ["docker not answering", () => sshServer(noDocker), "docker", /^Docker did not answer on ssh /, true],
  ])("names the failed check for %s", async (_case, create, failed, error, offersKey) => {
    const res = await testServer(await create());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, failed });
    expect(res.body.error).toMatch(error);
    expect(res.body.offeredHostKeyFingerprint).toEqual(
      offersKey ? expect.stringMatching(/^SHA256:/) : undefined,
    );
  });

  it("tests a socket server's socket", async () => {
    const socket = (socketPath: string, name: string) =>
      api("POST", `/api/environments/${envId}/servers`, { name, mode: "socket", socketPath });
    const good = await socket(dockerd.socketPath, "socket-good");
    expect((await testServer(good.body.server.id)).body).toEqual({
      ok: true,
      docker: { version: expect.any(String), apiVersion: expect.any(String) },
    });
    const gone = await socket("/run/bridgeport-server-test-absent.sock", "socket-gone");
    const res = await testServer(gone.body.server.id);
    expect(res.body).toMatchObject({ ok: false, failed: "socket" });
    expect(res.body.error).toMatch(/^Docker did not answer on \/run\/bridgeport-server-test-absent\.sock: /);
  });

  it("answers 404 for an unknown server, and never shows a key or password", async () => {
    expect((await testServer("missing")).status).toBe(404);
    for (const answer of answers) expect(leaks(answer, [sshd.privateKey, sshd.password])).toEqual([]);
  });
});
