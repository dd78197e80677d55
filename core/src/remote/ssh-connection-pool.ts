import { SshConnection } from "./ssh-connection.js";
import type { SshTarget, SshTimeouts } from "./ssh-target.js";

/** Looks up how to reach a server (and decrypts its key or password) when it is first used. */
export type SshTargetResolver = (serverId: string) => Promise<SshTarget>;

export type SshConnector = (target: SshTarget, timeouts: SshTimeouts) => Promise<SshConnection>;

/**
 * One reused SSH connection per server for the life of a plan. Concurrent `acquire` calls for
 * a server share one connection attempt; a failed attempt is forgotten so the next call tries
 * again, and a connection that dropped is replaced.
 *
 * @example
 * const pool = new SshConnectionPool((id) => targets.get(id));
 * try {
 *   const ssh = await pool.acquire(serverId);
 *   await ssh.exec(["docker", "ps"], { timeoutMs: 10_000 });
 * } finally {
 *   await pool.closeAll();
 * }
 */
export class SshConnectionPool {
  readonly #resolve: SshTargetResolver;
  readonly #connect: SshConnector;
  readonly #timeouts: SshTimeouts;
  readonly #connections = new Map<string, Promise<SshConnection>>();
  #closing = false;

  constructor(resolve: SshTargetResolver, options: { timeouts?: SshTimeouts; connect?: SshConnector } = {}) {
    this.#resolve = resolve;
    this.#timeouts = options.timeouts ?? {};
    this.#connect = options.connect ?? ((target, timeouts) => SshConnection.connect(target, timeouts));
  }

  acquire(serverId: string): Promise<SshConnection> {
    if (this.#closing) return Promise.reject(new Error("the SSH connection pool is closed"));
    const existing = this.#connections.get(serverId);
    if (existing !== undefined) {
      return existing.then((connection) =>
        connection.closed ? this.#replace(serverId, existing) : connection,
      );
    }
    return this.#start(serverId);
  }

  /** Closes every connection; later `acquire` calls fail. */
  async closeAll(): Promise<void> {
    this.#closing = true;
    const pending = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.allSettled(
      pending.map(async (attempt) => {
        const connection = await attempt;
        await connection.close();
      }),
    );
  }

  #start(serverId: string): Promise<SshConnection> {
    const attempt = this.#resolve(serverId).then((target) => this.#connect(target, this.#timeouts));
    this.#connections.set(serverId, attempt);
    attempt.catch(() => {
      if (this.#connections.get(serverId) === attempt) this.#connections.delete(serverId);
    });
    return attempt;
  }

  // Two callers may find the same dead connection; only the first starts a new one.
  #replace(serverId: string, dead: Promise<SshConnection>): Promise<SshConnection> {
    const current = this.#connections.get(serverId);
    if (current !== undefined && current !== dead) return this.acquire(serverId);
    return this.#start(serverId);
  }
}
