import {
  type DockerHost,
  type SshConnection,
  SshConnectionPool,
  type SshTarget,
  socketDockerHost,
  sshDockerHost,
} from "@bridgeport/core";
import { type RunningRegistry, randomPassword, startRegistry } from "@bridgeport/test/harness";
import { type Dockerd, startDockerd } from "../harness/dockerd.js";
import { type Sshd, startSshd } from "../harness/sshd.js";

/**
 * One deploy target for remote tests: a private registry (htpasswd: a user with its own password,
 * and a DigitalOcean-style user whose token is both user name and password), a
 * dockerd that trusts it, and an sshd whose test user's docker reaches that dockerd. The same
 * engine is reachable two ways: `sshHost` (SSH mode) and `socketHost` (socket mode).
 */
export interface RemoteLab {
  registry: RunningRegistry;
  dockerd: Dockerd;
  sshd: Sshd;
  target: SshTarget;
  pool: SshConnectionPool;
  ssh: SshConnection;
  sshHost: DockerHost;
  socketHost: DockerHost;
  stop(): Promise<void>;
}

export const SERVER_ID = "server-under-test";

/** The core's view of a harness sshd: key auth, its real host key pinned. */
export function sshTargetOf(sshd: Sshd, overrides: Partial<SshTarget> = {}): SshTarget {
  return {
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    auth: { kind: "key", secret: sshd.privateKey },
    hostKeyFingerprint: sshd.hostKeyFingerprint,
    ...overrides,
  };
}

export async function startRemoteLab(address = "127.0.0.2"): Promise<RemoteLab> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    const results = await Promise.allSettled(
      stops
        .splice(0)
        .reverse()
        .map((fn) => fn()),
    );
    const failure = results.find((result) => result.status === "rejected");
    if (failure !== undefined) throw failure.reason;
  };
  try {
    const token = `dop_v1_${randomPassword()}`;
    const registry = await startRegistry({
      auth: "htpasswd",
      users: [
        { username: "bridgeport", password: randomPassword() },
        { username: token, password: token },
      ],
    });
    stops.push(() => registry.stop());
    const dockerd = await startDockerd({ insecureRegistries: [registry.host] });
    stops.push(() => dockerd.stop());
    const sshd = await startSshd({ address, dockerHost: dockerd.dockerHost });
    stops.push(() => sshd.stop());
    const target = sshTargetOf(sshd);
    const pool = new SshConnectionPool(async () => target);
    stops.push(() => pool.closeAll());
    const ssh = await pool.acquire(SERVER_ID);
    const sshHost = sshDockerHost(SERVER_ID, ssh);
    const socketHost = socketDockerHost(SERVER_ID, dockerd.socketPath);
    stops.push(() => sshHost.close());
    stops.push(() => socketHost.close());
    return { registry, dockerd, sshd, target, pool, ssh, sshHost, socketHost, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** `host/repo@digest` for an image the harness pushed to a registry. */
export function digestReference(registry: { host: string }, repo: string, digest: string): string {
  return `${registry.host}/${repo}@${digest}`;
}
