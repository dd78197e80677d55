import { readdir, stat } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  type DockerLoginCredentials,
  DockerLoginError,
  DockerPullError,
  dockerLogin,
  ensureRegistryLogin,
  ImageReferenceError,
  inspectImage,
  MemoryLoginCache,
  pullImage,
  SshConnection,
} from "@bridgeport/core";
import {
  type RunnableImage,
  randomPassword,
  runnableImage,
  startTcpRelay,
  waitUntil,
} from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestReference, type RemoteLab, sshTargetOf, startRemoteLab } from "./remote-lab.js";
import { filesContaining, scanProcessesFor } from "./secret-scan.js";

let lab: RemoteLab;
let image: RunnableImage;
let login: DockerLoginCredentials;
let reference: string;

beforeAll(async () => {
  lab = await startRemoteLab("127.0.0.3");
  image = await runnableImage(lab.registry, "remote-login/web", "v1", { version: "v1" });
  login = { server: lab.registry.host, username: lab.registry.username, password: lab.registry.password };
  reference = digestReference(lab.registry, image.repo, image.digest);
});

afterAll(async () => {
  await lab?.stop();
});

describe("SSH mode: docker login, then docker pull by digest", () => {
  it("control: the process scan does see a secret that a remote command carries in its argv", async () => {
    const token = `visible-${process.pid}-${Date.now()}`;
    const scan = scanProcessesFor(token);
    // Long enough for a full scan round even when parallel test files load the machine.
    await lab.ssh.exec(["sh", "-c", "sleep 2", "sh", token], { timeoutMs: 10_000 });
    expect((await scan.stop()).sightings.length).toBeGreaterThan(0);
  });

  it("control: the temp-file scan does see a file that holds a secret", async () => {
    const secret = `visible-${randomPassword()}`;
    const file = `/tmp/bridgeport-scan-control-${process.pid}`;
    await lab.ssh.exec(["sh", "-c", 'cat > "$1"', "sh", file], { stdin: `${secret}\n`, timeoutMs: 10_000 });
    try {
      expect(await filesHolding(lab.ssh, secret)).toEqual([file]);
    } finally {
      await lab.ssh.exec(["rm", "-f", file], { timeoutMs: 10_000 });
    }
  });

  it("logs in and pulls without the password ever reaching a process's argv or environment", async () => {
    const scan = scanProcessesFor(lab.registry.password, { witness: "--password-stdin" });
    let outcome: string;
    try {
      outcome = await ensureRegistryLogin(
        lab.sshHost,
        { registryId: "reg-1", credentialVersion: 1, login },
        new MemoryLoginCache(),
      );
      await pullImage(lab.sshHost, reference, login);
    } finally {
      const report = await scan.stop();
      expect(report.sightings).toEqual([]);
      // The scan read the machine's command lines while docker login ran: a round count would
      // say nothing on a loaded machine, where two rounds can span the whole login.
      expect(report.witnessed).toBeGreaterThan(0);
    }
    expect(outcome).toBe("logged-in");
    const pulled = await inspectImage(lab.socketHost.engine, reference);
    expect(pulled?.RepoDigests).toContain(reference);
    // docker kept the login for later pulls, in the SSH user's config, and the temp file is gone.
    const config = await lab.ssh.exec(["cat", ".docker/config.json"], { timeoutMs: 10_000 });
    expect(JSON.parse(config.stdout).auths).toHaveProperty([lab.registry.host]);
    expect(await filesHolding(lab.ssh, lab.registry.password)).toEqual([]);
    for (const log of [lab.sshd.log(), lab.dockerd.log(), lab.registry.process.output()])
      expect(log).not.toContain(lab.registry.password);
  });

  it("fails fast with the seed's message on a wrong password, leaks nothing and leaves no temp file", async () => {
    const wrong = `wrong-${lab.registry.password.slice(0, 6)}-password`;
    const scan = scanProcessesFor(wrong);
    const started = Date.now();
    const failure = await dockerLogin(lab.ssh, { ...login, password: wrong }).catch(
      (error: unknown) => error,
    );
    const report = await scan.stop();
    expect(failure).toBeInstanceOf(DockerLoginError);
    const message = (failure as Error).message;
    expect(message).toMatch(/^docker login failed: .*(unauthorized|401)/i);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(`${message} ${JSON.stringify(failure)} ${String((failure as Error).cause ?? "")}`).not.toContain(
      wrong,
    );
    expect(report.sightings).toEqual([]);
    expect(await filesHolding(lab.ssh, wrong)).toEqual([]);
    expect(lab.sshd.log() + lab.dockerd.log() + lab.registry.process.output()).not.toContain(wrong);
  });

  it("logs in with a token that is user name and password (DigitalOcean) without it reaching any argv", async () => {
    const token = lab.registry.users[1]?.password ?? "";
    const scan = scanProcessesFor(token);
    try {
      await dockerLogin(lab.ssh, { server: lab.registry.host, username: token, password: token });
      await pullImage(lab.sshHost, reference, null);
    } finally {
      expect((await scan.stop()).sightings).toEqual([]);
    }
    const config = JSON.parse(
      (await lab.ssh.exec(["cat", ".docker/config.json"], { timeoutMs: 10_000 })).stdout,
    );
    expect(config.auths[lab.registry.host].auth).toBe(Buffer.from(`${token}:${token}`).toString("base64"));
    expect(await filesHolding(lab.ssh, `${token}\n${token}`)).toEqual([]);
    const refused = await dockerLogin(lab.ssh, {
      server: lab.registry.host,
      username: "x-wrong-token",
      password: "x-wrong-token",
    }).catch((error: unknown) => error);
    expect((refused as Error).message).toMatch(/^docker login failed: .*401/);
    expect((refused as Error).message).not.toContain("x-wrong-token");
  });

  it("leaves no password file on the server when the connection is cut mid-login", async () => {
    const registry = await startSilentServer();
    const relay = await startTcpRelay(lab.sshd.host, lab.sshd.port);
    const password = `cut-${randomPassword()}`;
    try {
      const ssh = await SshConnection.connect(sshTargetOf(lab.sshd, { host: "127.0.0.1", port: relay.port }));
      const login = dockerLogin(ssh, {
        server: `127.0.0.1:${registry.port}`,
        username: "cut",
        password,
      }).catch((error: unknown) => error);
      // docker login is past the password file and waiting for the registry: the link goes.
      await waitUntil(() => registry.connections() > 0, {
        what: "docker login to reach the registry",
        timeoutMs: 20_000,
      });
      relay.cut();
      expect(await login).toBeInstanceOf(DockerLoginError);
      expect(ssh.closed).toBe(true);
      // Nothing could be removed through the lost connection; a fresh one finds nothing left.
      const fresh = await SshConnection.connect(lab.target);
      try {
        expect(await filesHolding(fresh, password)).toEqual([]);
      } finally {
        await fresh.close();
      }
    } finally {
      await relay.stop();
      await registry.stop();
    }
  });

  it("leaves no password file when the login times out", async () => {
    const registry = await startSilentServer();
    const password = `slow-${randomPassword()}`;
    try {
      const failure = await dockerLogin(
        lab.ssh,
        { server: `127.0.0.1:${registry.port}`, username: "slow", password },
        { timeoutMs: 2_000 },
      ).catch((error: unknown) => error);
      expect((failure as Error).message).toMatch(
        /^docker login failed: docker login did not finish within 2000 ms/,
      );
      expect(await filesHolding(lab.ssh, password)).toEqual([]);
    } finally {
      await registry.stop();
    }
  });

  it("skips the login while the credential version is cached and logs in again for a new one", async () => {
    const cache = new MemoryLoginCache();
    const access = (credentialVersion: number) => ({ registryId: "reg-2", credentialVersion, login });
    expect(await ensureRegistryLogin(lab.sshHost, access(1), cache)).toBe("logged-in");
    expect(await ensureRegistryLogin(lab.sshHost, access(1), cache)).toBe("cached");
    expect(await ensureRegistryLogin(lab.sshHost, access(2), cache)).toBe("logged-in");
    cache.forgetRegistry("reg-2");
    expect(await ensureRegistryLogin(lab.sshHost, access(2), cache)).toBe("logged-in");
    expect(await ensureRegistryLogin(lab.sshHost, { ...access(2), login: null }, cache)).toBe("not-needed");
  });

  it.each([
    { what: "a tag", ref: () => `${lab.registry.host}/${image.repo}:v1` },
    { what: "a tag and a digest", ref: () => `${lab.registry.host}/${image.repo}:v1@${image.digest}` },
    { what: "a short digest", ref: () => `${lab.registry.host}/${image.repo}@sha256:abc` },
    {
      what: "shell syntax",
      ref: () => `${lab.registry.host}/${image.repo}@${image.digest}; touch /tmp/pwned`,
    },
  ])("refuses to pull by $what", async ({ ref }) => {
    await expect(pullImage(lab.sshHost, ref(), login)).rejects.toThrow(ImageReferenceError);
  });
});

describe("socket mode: the Engine API with X-Registry-Auth", () => {
  it("pulls by digest and writes the credentials nowhere", async () => {
    const other = await runnableImage(lab.registry, "remote-login/socket", "v2", { version: "v2" });
    const ref = digestReference(lab.registry, other.repo, other.digest);
    // The bot's own docker config; the server user's is not compared, since parallel test files
    // log that user in too.
    const botConfig = join(homedir(), ".docker");
    const before = await snapshot(botConfig);
    const pulled = await pullImage(lab.socketHost, ref, login);
    expect(pulled.digest).toBe(other.digest);
    expect((await inspectImage(lab.socketHost.engine, ref))?.RepoDigests).toContain(ref);
    // No docker config was created or touched ...
    expect(await snapshot(botConfig)).toEqual(before);
    // ... and the engine kept no copy of the credentials in its state.
    const basic = Buffer.from(`${login.username}:${login.password}`).toString("base64");
    expect(await filesContaining(lab.dockerd.dataRoot, [login.password, basic])).toEqual([]);
  });

  it("reports a refused pull without the password", async () => {
    const other = await runnableImage(lab.registry, "remote-login/refused", "v3", { version: "v3" });
    const ref = digestReference(lab.registry, other.repo, other.digest);
    const wrong = "not-the-registry-password";
    const failure = await pullImage(lab.socketHost, ref, { ...login, password: wrong }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(DockerPullError);
    expect((failure as Error).message).toMatch(/failed: .*(unauthorized|no basic auth|401)/i);
    expect((failure as Error).message).not.toContain(wrong);
  });
});

/**
 * The server user's own files in its temp dir whose whole content is `secret` (followed by a
 * line break): the password files docker login is fed from. Matched by content, so files of
 * parallel test files (same user) never count; the secret travels on stdin, never in argv.
 */
async function filesHolding(runner: SshConnection, secret: string): Promise<string[]> {
  const result = await runner.exec(
    [
      "sh",
      "-c",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, for the server's sh.
      'pw=$(cat); for f in "${TMPDIR:-/tmp}"/*; do [ -f "$f" ] && [ -O "$f" ] && [ "$(cat -- "$f" 2>/dev/null)" = "$pw" ] && echo "$f"; done; true',
    ],
    { stdin: `${secret}\n`, timeoutMs: 10_000 },
  );
  return result.stdout.split("\n").filter(Boolean).sort();
}

/** A TCP server that accepts connections and never answers: a registry docker login hangs on. */
async function startSilentServer(): Promise<{ port: number; connections(): number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    connections: () => accepted,
    stop: () => closeAll(server, sockets),
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
}

function closeAll(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Every file under a directory with its size and modification time; empty when it does not exist. */
async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => []);
  const lines = await Promise.all(
    entries.map(async (entry) => {
      const info = await stat(join(dir, entry)).catch(() => null);
      return `${entry} ${info?.size ?? "?"} ${info?.mtimeMs ?? "?"}`;
    }),
  );
  return lines.sort();
}
