import { type Dockerd, startDockerd } from "./dockerd.js";
import { ensureLinuxUser } from "./linux-user.js";
import { type Sshd, startSshd } from "./sshd.js";

export const FLEET_DOCKERD_MODES = ["shared", "per-host"] as const;
export type FleetDockerdMode = (typeof FLEET_DOCKERD_MODES)[number];

export interface HostFleetOptions {
  /** How many SSH servers: 127.0.0.2, 127.0.0.3, ... */
  count: number;
  /** One engine behind every server (cheap), or one each (isolated state). Default "shared". */
  dockerd?: FleetDockerdMode;
  insecureRegistries?: readonly string[];
  passwordAuth?: boolean;
}

export interface FleetHost {
  sshd: Sshd;
  dockerd: Dockerd;
}

export interface HostFleet {
  hosts: FleetHost[];
  dockerds: Dockerd[];
  /** Stops every sshd, then every dockerd; reports the first failure after trying them all. */
  stop(): Promise<void>;
}

const MAX_HOSTS = 200;

/**
 * Starts `count` SSH servers on consecutive loopback addresses, backed by one shared dockerd or
 * one dockerd each. If any part fails to start, whatever did start is stopped again.
 */
export async function startHostFleet(options: HostFleetOptions): Promise<HostFleet> {
  const { count } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) {
    throw new Error(`host count must be 1..${MAX_HOSTS}, got ${count}`);
  }
  const user = await ensureLinuxUser();
  const passwordAuth = options.passwordAuth ?? true;
  const engineCount = options.dockerd === "per-host" ? count : 1;
  const dockerOptions =
    options.insecureRegistries === undefined ? {} : { insecureRegistries: options.insecureRegistries };
  const engines = await Promise.allSettled(
    Array.from({ length: engineCount }, () => startDockerd(dockerOptions)),
  );
  const dockerds = engines.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const servers = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => {
      const dockerd = dockerds[i % engineCount];
      if (dockerd === undefined) return Promise.reject(new Error("its dockerd did not start"));
      const address = `127.0.0.${i + 2}`;
      return startSshd({ address, user, dockerHost: dockerd.dockerHost, passwordAuth }).then((sshd) => ({
        sshd,
        dockerd,
      }));
    }),
  );
  const hosts = servers.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const stop = () =>
    stopAll(
      hosts.map((host) => host.sshd),
      dockerds,
    );
  const failure = [...engines, ...servers].find((result) => result.status === "rejected");
  if (failure !== undefined) {
    await stop().catch(() => undefined);
    throw failure.reason;
  }
  return { hosts, dockerds, stop };
}

async function stopAll(sshds: readonly Sshd[], dockerds: readonly Dockerd[]): Promise<void> {
  // Servers first: an SSH session may still be talking to its engine.
  const results = await Promise.allSettled(sshds.map((sshd) => sshd.stop()));
  results.push(...(await Promise.allSettled(dockerds.map((dockerd) => dockerd.stop()))));
  const failure = results.find((result) => result.status === "rejected");
  if (failure !== undefined) throw failure.reason;
}
