import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { utils } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dockerd, startDockerd } from "./dockerd.js";
import { importBusyboxImage } from "./host-busybox-image.js";
import { runHostCommand } from "./host-command.js";
import { dockerApi, pingDocker } from "./host-docker-api.js";
import { startHostFleet } from "./host-fleet.js";
import { readSshBanner } from "./host-ssh-banner.js";
import { connectToSshd, SSH_AUTH_METHODS, sshExec, sshRun } from "./host-ssh-client.js";
import { fingerprintOfPublicKey } from "./host-ssh-keys.js";
import { ensureLinuxUser, type LinuxUser } from "./linux-user.js";
import { waitUntil } from "./process.js";
import { type Sshd, startSshd } from "./sshd.js";
import { makeTempDir, removeTempDir } from "./temp-dir.js";

const SERVER_VERSION = "docker version --format '{{.Server.Version}}'";
const ROOT_DIR = "docker info --format '{{.DockerRootDir}}'";

let user: LinuxUser;
let dockerd: Dockerd;
let withPassword: Sshd;
let keyOnly: Sshd;
let engineVersion: string;

beforeAll(async () => {
  user = await ensureLinuxUser();
  let started = performance.now();
  dockerd = await startDockerd({ insecureRegistries: ["127.0.0.1:5999"] });
  const dockerdMs = performance.now() - started;
  started = performance.now();
  withPassword = await startSshd({
    address: "127.0.0.2",
    user,
    dockerHost: dockerd.dockerHost,
    passwordAuth: true,
  });
  const sshdMs = performance.now() - started;
  keyOnly = await startSshd({
    address: "127.0.0.3",
    user,
    dockerHost: dockerd.dockerHost,
    passwordAuth: false,
  });
  console.info(
    `start-up: dockerd ${dockerdMs.toFixed(0)} ms (${dockerd.storageDriver}), sshd ${sshdMs.toFixed(0)} ms`,
  );
  engineVersion = JSON.parse((await dockerApi(dockerd.socketPath, "GET", "/version")).body).Version;
  await importBusyboxImage(dockerd.socketPath);
});

afterAll(async () => {
  const results = await Promise.allSettled([withPassword?.stop(), keyOnly?.stop()]);
  results.push(...(await Promise.allSettled([dockerd?.stop()])));
  const failure = results.find((result) => result.status === "rejected");
  if (failure !== undefined) throw failure.reason;
});

describe("the private dockerd", () => {
  it("answers /_ping on its own socket, with the configured root and insecure registry", async () => {
    expect(await pingDocker(dockerd.socketPath)).toBe(true);
    const info = JSON.parse((await dockerApi(dockerd.socketPath, "GET", "/info")).body);
    expect(info.DockerRootDir).toBe(dockerd.dataRoot);
    expect(info.Driver).toBe(dockerd.storageDriver);
    expect(JSON.stringify(info.RegistryConfig.IndexConfigs)).toContain("127.0.0.1:5999");
  });

  it("hands its socket to the docker group and lets others traverse its dir", async () => {
    const socket = await stat(dockerd.socketPath);
    const dockerGid = Number((await runHostCommand(["getent", "group", "docker"])).split(":")[2]);
    expect(socket.gid).toBe(dockerGid);
    expect((await stat(join(dockerd.socketPath, ".."))).mode & 0o777).toBe(0o711);
  });
});

describe("sshd", () => {
  it.each(SSH_AUTH_METHODS)(
    "lets the test user in with a %s and its docker reaches the private engine",
    async (auth) => {
      const client = await connectToSshd(withPassword, { auth });
      try {
        expect((await sshExec(client, SERVER_VERSION)).stdout.trim()).toBe(engineVersion);
        expect((await sshExec(client, ROOT_DIR)).stdout.trim()).toBe(dockerd.dataRoot);
        expect((await sshExec(client, "id -un")).stdout.trim()).toBe(user.username);
      } finally {
        client.end();
      }
    },
  );

  it.each([
    { auth: "key", accepted: true },
    { auth: "password", accepted: false },
  ] as const)("without password auth, a $auth login is accepted: $accepted", async ({ auth, accepted }) => {
    const login = sshRun(keyOnly, "true", { auth });
    if (accepted) expect((await login).code).toBe(0);
    else await expect(login).rejects.toThrow(/authentication methods failed/);
  });

  it.each([
    { pinned: "the server's fingerprint", accepted: true },
    { pinned: "another server's fingerprint", accepted: false },
  ])("with $pinned pinned, the connection is accepted: $accepted", async ({ accepted }) => {
    const expectedFingerprint = accepted ? withPassword.hostKeyFingerprint : keyOnly.hostKeyFingerprint;
    const login = sshRun(withPassword, "true", { expectedFingerprint });
    if (accepted) expect((await login).code).toBe(0);
    else await expect(login).rejects.toThrow(/verification failed/);
  });

  it("reports the host key the server presents, with ssh-keygen's fingerprint", async () => {
    const scanned = await runHostCommand([
      "ssh-keyscan",
      "-t",
      "ed25519",
      "-p",
      String(withPassword.port),
      "127.0.0.2",
    ]);
    expect(scanned).toContain(` ${withPassword.hostPublicKey}`);
    const dir = await makeTempDir("host-key");
    try {
      await writeFile(join(dir, "key.pub"), `${withPassword.hostPublicKey}\n`);
      const printed = await runHostCommand(["ssh-keygen", "-l", "-f", join(dir, "key.pub")]);
      expect(printed.split(" ")[1]).toBe(withPassword.hostKeyFingerprint);
    } finally {
      await removeTempDir(dir);
    }
  });

  it("gives a private key whose public half is the authorized one", () => {
    const parsed = utils.parseKey(withPassword.privateKey);
    if (parsed instanceof Error) throw parsed;
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    expect(key?.type).toBe("ssh-ed25519");
    expect(`ssh-ed25519 ${key?.getPublicSSH().toString("base64")}`).toBe(
      user.publicKey.split(" ").slice(0, 2).join(" "),
    );
    expect(fingerprintOfPublicKey(user.publicKey)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("serves 30 parallel connections at once", async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => sshRun(withPassword, SERVER_VERSION)));
    expect(results.map((result) => result.stdout.trim())).toEqual(Array(30).fill(engineVersion));
  });

  it("serves 30 parallel sessions on one connection", async () => {
    const client = await connectToSshd(withPassword);
    try {
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => sshExec(client, `echo ${i}`)));
      expect(results.map((result) => result.stdout.trim())).toEqual(
        Array.from({ length: 30 }, (_, i) => String(i)),
      );
    } finally {
      client.end();
    }
  });

  it("runs a host-network container through the remote docker", async () => {
    const name = `hosts-test-${process.pid}`;
    const run = await sshRun(
      withPassword,
      `docker run -d --network host --name ${name} bridgeport-busybox:test sleep 300`,
    );
    expect(run).toMatchObject({ code: 0 });
    const listed = await dockerApi(dockerd.socketPath, "GET", `/containers/${name}/json`);
    expect(JSON.parse(listed.body).State.Running).toBe(true);
  });
});

describe("stop", () => {
  it("removes containers, ends every process and leaves nothing listening; a second stop is harmless", async () => {
    const engine = await startDockerd();
    const server = await startSshd({ address: "127.0.0.4", user, dockerHost: engine.dockerHost }).catch(
      async (error: unknown) => {
        await engine.stop();
        throw error;
      },
    );
    const marker = String(40_000 + (process.pid % 20_000));
    try {
      await importBusyboxImage(engine.socketPath);
      const run = await sshRun(
        server,
        `docker run -d --network host bridgeport-busybox:test sleep ${marker}`,
      );
      expect(run).toMatchObject({ code: 0 });
      // `docker run -d` returns once the container is started, which can be a moment before its
      // process has exec'd `sleep` (seen on a loaded machine): wait for it to show.
      await waitUntil(async () => (await commandLinesContaining(`sleep${"\0"}${marker}`)).length === 1, {
        what: "the container's sleep process",
        timeoutMs: 10_000,
      });

      await Promise.all([server.stop(), server.stop()]);
      await engine.stop();
      await engine.stop();

      await expect(readSshBanner(server.host, server.port)).rejects.toThrow(/ECONNREFUSED/);
      await expect(stat(engine.socketPath)).rejects.toThrow(/ENOENT/);
      expect(await commandLinesContaining(`sleep${"\0"}${marker}`)).toEqual([]);
      expect(await commandLinesContaining(join(engine.socketPath, ".."))).toEqual([]);
    } finally {
      // Stopping is idempotent, so this only matters when an expectation above failed.
      await server.stop().catch(() => undefined);
      await engine.stop().catch(() => undefined);
    }
  });
});

describe("host fleet", () => {
  it.each([
    { dockerd: "shared", count: 3, engines: 1 },
    { dockerd: "per-host", count: 2, engines: 2 },
  ] as const)(
    "$dockerd: $count servers on their own addresses backed by $engines engine(s)",
    async (options) => {
      const fleet = await startHostFleet(options);
      try {
        expect(fleet.dockerds).toHaveLength(options.engines);
        expect(fleet.hosts.map((host) => host.sshd.host)).toEqual(
          Array.from({ length: options.count }, (_, i) => `127.0.0.${i + 2}`),
        );
        for (const host of fleet.hosts) {
          expect((await sshRun(host.sshd, ROOT_DIR)).stdout.trim()).toBe(host.dockerd.dataRoot);
        }
      } finally {
        await fleet.stop();
      }
    },
  );
});

async function commandLinesContaining(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(text)) found.push(cmdline.replaceAll("\0", " "));
  }
  return found;
}
