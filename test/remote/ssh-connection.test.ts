import { readdir, readFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import {
  RemoteCommandError,
  RemoteConnectionError,
  runChecked,
  SshConnection,
  SshConnectionPool,
  type SshTarget,
} from "@bridgeport/core";
import { freePort, startTcpRelay, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type RemoteLab, sshTargetOf, startRemoteLab } from "./remote-lab.js";

let lab: RemoteLab;

beforeAll(async () => {
  lab = await startRemoteLab("127.0.0.2");
});

afterAll(async () => {
  await lab?.stop();
});

describe("exec", () => {
  it("runs an argument vector and reports stdout, stderr and the exit code", async () => {
    const result = await lab.ssh.exec(
      ["sh", "-c", 'echo "out $1"; echo "err $2" >&2; exit 7', "sh", "a b", "$(id)"],
      {
        timeoutMs: 10_000,
      },
    );
    expect(result).toEqual({ code: 7, stdout: "out a b\n", stderr: "err $(id)\n" });
  });

  it("keeps the exit code when the server's whole answer arrives in one chunk, as on a busy machine", async () => {
    // sshd sends the exec's success, output, exit status and close within a few ms; a client
    // that reads late gets them in one chunk, and an exit listener attached after the exec's
    // callback returned missed the status (code null), as the suite saw under load.
    const relay = await startTcpRelay(lab.sshd.host, lab.sshd.port, { batchMs: 100 });
    const ssh = await SshConnection.connect(sshTargetOf(lab.sshd, { host: "127.0.0.1", port: relay.port }));
    try {
      for (let i = 0; i < 5; i++) {
        const result = await ssh.exec(["sh", "-c", "echo out; exit 7"], { timeoutMs: 10_000 });
        expect(result).toEqual({ code: 7, stdout: "out\n", stderr: "" });
      }
    } finally {
      await ssh.close();
      await relay.stop();
    }
  });

  it("reports the signal that ended a command, and names it in the failure", async () => {
    // The login shell sshd started (above the deadline wrapper) dies of SIGKILL.
    const argv = ["sh", "-c", "echo partial; kill -KILL $(cut -d' ' -f4 /proc/$PPID/stat); sleep 1"];
    const result = await lab.ssh.exec(argv, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ code: null, signal: "SIGKILL", stdout: "partial\n" });
    const failure = await runChecked(lab.ssh, argv, { timeoutMs: 10_000, label: "self-kill" }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RemoteCommandError);
    expect((failure as RemoteCommandError).message).toMatch(/^self-kill was killed by SIGKILL/);
  });

  it("sends stdin and closes it", async () => {
    const result = await lab.ssh.exec(["wc", "-c"], { stdin: Buffer.alloc(100_000, 1), timeoutMs: 10_000 });
    expect(result.stdout.trim()).toBe("100000");
  });

  it("fails with a RemoteCommandError that carries exit code and stderr but never stdin", async () => {
    const secret = "s3cret-from-stdin";
    const failure = await runChecked(lab.ssh, ["sh", "-c", "cat >&2; echo ' denied' >&2; exit 3"], {
      stdin: secret,
      timeoutMs: 10_000,
      label: "echo-back",
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RemoteCommandError);
    const error = failure as RemoteCommandError;
    expect(error.exitCode).toBe(3);
    expect(error.stderr).toContain("denied");
    expect(`${error.message} ${error.stderr} ${JSON.stringify(error)}`).not.toContain(secret);
  });

  it("abandons a command at its timeout with a clear error", async () => {
    const duration = `30.${process.pid}`;
    const started = Date.now();
    const failure = await lab.ssh
      .exec(["sleep", duration], { timeoutMs: 500 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RemoteCommandError);
    expect((failure as RemoteCommandError).timedOut).toBe(true);
    expect((failure as Error).message).toMatch(/sleep [\d.]+ did not finish within 500 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
    // The remote process is killed too, not left running.
    await waitUntil(async () => (await processesRunning(`sleep\0${duration}`)) === 0, {
      what: "the timed-out sleep to be gone",
      timeoutMs: 5_000,
    });
  });

  it("refuses to buffer more output than allowed", async () => {
    const run = lab.ssh.exec(["head", "-c", "1000000", "/dev/zero"], {
      timeoutMs: 10_000,
      maxStdoutBytes: 10_000,
    });
    await expect(run).rejects.toThrow(/more output than the allowed limit/);
  });

  it("still works after the failures above: one connection serves many channels", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => lab.ssh.exec(["echo", String(i)], { timeoutMs: 10_000 })),
    );
    expect(results.map((result) => result.stdout.trim())).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
  });
});

describe("connecting", () => {
  it.each([
    { auth: "key", target: () => sshTargetOf(lab.sshd) },
    {
      auth: "password",
      target: () => sshTargetOf(lab.sshd, { auth: { kind: "password", secret: lab.sshd.password } }),
    },
  ])("logs in with a $auth", async ({ target }) => {
    const connection = await SshConnection.connect(target());
    try {
      expect((await connection.exec(["id", "-un"], { timeoutMs: 10_000 })).stdout.trim()).toBe(
        lab.sshd.username,
      );
    } finally {
      await connection.close();
    }
  });

  it("refuses another host key, naming the host, both fingerprints and how to re-pin", async () => {
    const pinned = `SHA256:${"A".repeat(43)}`;
    const failure = await SshConnection.connect(sshTargetOf(lab.sshd, { hostKeyFingerprint: pinned })).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RemoteConnectionError);
    const error = failure as RemoteConnectionError;
    expect(error.failure).toBe("host-key-mismatch");
    expect(error.message).toContain(`${lab.sshd.host}:${lab.sshd.port}`);
    expect(error.message).toContain(pinned);
    expect(error.message).toContain(lab.sshd.hostKeyFingerprint);
    expect(error.message).toMatch(/re-pin/);
  });

  it("refuses a wrong password without repeating it", async () => {
    const secret = "definitely-not-the-password";
    const failure = await SshConnection.connect(
      sshTargetOf(lab.sshd, { auth: { kind: "password", secret } }),
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ failure: "auth" });
    expect(String((failure as Error).message)).not.toContain(secret);
  });

  it("fails fast on a closed port", async () => {
    const port = await freePort("127.0.0.2");
    const started = Date.now();
    const failure = await SshConnection.connect(sshTargetOf(lab.sshd, { port })).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ failure: "network" });
    expect((failure as Error).message).toMatch(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("gives up on a server that never answers within the configured timeout", async () => {
    const silent = await silentServer();
    try {
      const address = silent.address() as { port: number };
      const started = Date.now();
      const failure = await SshConnection.connect(sshTargetOf(lab.sshd, { port: address.port }), {
        readyTimeoutMs: 1_500,
      }).catch((error: unknown) => error);
      const elapsed = Date.now() - started;
      expect(failure).toMatchObject({ failure: "timeout" });
      expect((failure as Error).message).toMatch(/within 1500 ms/);
      expect(elapsed).toBeGreaterThanOrEqual(1_400);
      expect(elapsed).toBeLessThan(4_000);
    } finally {
      silent.close();
    }
  });
});

describe("SshConnectionPool", () => {
  it("shares one connection attempt between concurrent callers and reuses it", async () => {
    let connects = 0;
    const pool = new SshConnectionPool(async () => lab.target, {
      connect: (target: SshTarget, timeouts) => {
        connects++;
        return SshConnection.connect(target, timeouts);
      },
    });
    try {
      const [a, b, c] = await Promise.all([pool.acquire("s1"), pool.acquire("s1"), pool.acquire("s1")]);
      expect(a).toBe(b);
      expect(b).toBe(c);
      expect(await pool.acquire("s1")).toBe(a);
      expect(connects).toBe(1);
      await pool.acquire("s2");
      expect(connects).toBe(2);
    } finally {
      await pool.closeAll();
    }
  });

  it("forgets a failed attempt and replaces a dropped connection", async () => {
    let target: SshTarget = sshTargetOf(lab.sshd, { hostKeyFingerprint: `SHA256:${"B".repeat(43)}` });
    const pool = new SshConnectionPool(async () => target);
    try {
      await expect(pool.acquire("s1")).rejects.toMatchObject({ failure: "host-key-mismatch" });
      target = lab.target;
      const first = await pool.acquire("s1");
      await first.close();
      const second = await pool.acquire("s1");
      expect(second).not.toBe(first);
      expect((await second.exec(["true"], { timeoutMs: 10_000 })).code).toBe(0);
    } finally {
      await pool.closeAll();
    }
    await expect(pool.acquire("s1")).rejects.toThrow(/closed/);
  });
});

describe("the Engine API over SSH", () => {
  it("reaches the same daemon through dial-stdio as through its socket", async () => {
    const version = z.looseObject({ Version: z.string(), ApiVersion: z.string() });
    const [viaSsh, viaSocket] = await Promise.all([
      lab.sshHost.engine.json("GET", "/version", version),
      lab.socketHost.engine.json("GET", "/version", version),
    ]);
    expect(viaSsh).toEqual(viaSocket);
  });

  it("answers many concurrent calls over a bounded number of channels", async () => {
    const ping = await Promise.all(
      Array.from({ length: 20 }, () => lab.sshHost.engine.call("GET", "/_ping")),
    );
    expect(ping.map((response) => response.body)).toEqual(Array(20).fill("OK"));
  });
});

function silentServer(): Promise<Server> {
  return new Promise((resolve) => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    server.on("close", () => {
      for (const socket of sockets) socket.destroy();
    });
    server.listen({ host: "127.0.0.2", port: 0 }, () => resolve(server));
  });
}

async function processesRunning(cmdline: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (text.includes(cmdline)) count++;
  }
  return count;
}
