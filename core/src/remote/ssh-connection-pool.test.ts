import { describe, expect, it } from "vitest";
import type { SshConnection } from "./ssh-connection.js";
import { SshConnectionPool } from "./ssh-connection-pool.js";
import type { SshTarget } from "./ssh-target.js";

const target = (host: string): SshTarget => ({
  host,
  port: 22,
  username: "deploy",
  auth: { kind: "password", secret: "x" },
  hostKeyFingerprint: `SHA256:${"A".repeat(43)}`,
});

/** A connection stand-in: only what the pool looks at. */
function fakeConnection(): SshConnection {
  let closed = false;
  return {
    get closed() {
      return closed;
    },
    close: async () => {
      closed = true;
    },
  } as unknown as SshConnection;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("SshConnectionPool", () => {
  it("lets concurrent callers share one connection attempt per server", async () => {
    const attempts: ReturnType<typeof deferred<SshConnection>>[] = [];
    const pool = new SshConnectionPool(async (id) => target(id), {
      connect: () => {
        const attempt = deferred<SshConnection>();
        attempts.push(attempt);
        return attempt.promise;
      },
    });
    const waiting = [pool.acquire("a"), pool.acquire("a"), pool.acquire("b")];
    await new Promise((resolve) => setImmediate(resolve));
    expect(attempts).toHaveLength(2);
    const [a, b] = [fakeConnection(), fakeConnection()];
    attempts[0]?.resolve(a);
    attempts[1]?.resolve(b);
    expect(await Promise.all(waiting)).toEqual([a, a, b]);
    expect(await pool.acquire("a")).toBe(a);
    expect(attempts).toHaveLength(2);
  });

  it("forgets a failed attempt, so the next caller tries again", async () => {
    let calls = 0;
    const pool = new SshConnectionPool(async (id) => target(id), {
      connect: async () => {
        calls++;
        if (calls === 1) throw new Error("refused");
        return fakeConnection();
      },
    });
    await expect(pool.acquire("a")).rejects.toThrow("refused");
    await expect(pool.acquire("a")).resolves.toBeDefined();
    expect(calls).toBe(2);
  });

  it("replaces a connection that closed, once, for concurrent callers", async () => {
    let calls = 0;
    const pool = new SshConnectionPool(async (id) => target(id), {
      connect: async () => {
        calls++;
        return fakeConnection();
      },
    });
    const first = await pool.acquire("a");
    await first.close();
    const [x, y] = await Promise.all([pool.acquire("a"), pool.acquire("a")]);
    expect(x).not.toBe(first);
    expect(x).toBe(y);
    expect(calls).toBe(2);
  });

  it("closes every connection and refuses new work afterwards", async () => {
    const made: SshConnection[] = [];
    const pool = new SshConnectionPool(async (id) => target(id), {
      connect: async () => {
        const connection = fakeConnection();
        made.push(connection);
        return connection;
      },
    });
    await Promise.all([pool.acquire("a"), pool.acquire("b")]);
    await pool.closeAll();
    expect(made.map((connection) => connection.closed)).toEqual([true, true]);
    await expect(pool.acquire("a")).rejects.toThrow(/closed/);
  });
});
