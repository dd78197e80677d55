import { rm } from "node:fs/promises";
import { connect, createServer, type Socket } from "node:net";

/**
 * A unix-socket proxy in front of a Docker engine socket that notes when request bytes arrive
 * from the client, before forwarding them: the bench's clock for "the first remote docker
 * command". Timestamps are `performance.now()` of this process.
 */
export interface DockerSocketProxy {
  path: string;
  /** Request chunks seen so far. */
  readonly chunks: number;
  /** Resolves with the arrival time of the first request bytes at or after `since`. */
  firstRequestAfter(since: number, timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startDockerSocketProxy(path: string, enginePath: string): Promise<DockerSocketProxy> {
  const arrivals: number[] = [];
  let waiter: { since: number; resolve: (at: number) => void } | null = null;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const engine = connect({ path: enginePath });
    for (const s of [client, engine]) {
      sockets.add(s);
      s.once("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        engine.destroy();
      });
    }
    client.on("data", () => {
      const at = performance.now();
      arrivals.push(at);
      if (waiter && at >= waiter.since) {
        waiter.resolve(at);
        waiter = null;
      }
    });
    client.pipe(engine);
    engine.pipe(client);
  });
  await rm(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  return {
    path,
    get chunks() {
      return arrivals.length;
    },
    firstRequestAfter(since, timeoutMs) {
      const seen = arrivals.find((at) => at >= since);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = null;
          reject(new Error(`no docker request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiter = {
          since,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        };
      });
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(path, { force: true });
    },
  };
}
