import { createSocket } from "node:dgram";
import { mkdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { tryLock } from "./host-lock.js";

/**
 * Swarm's gossip layer always binds 7946 on the node's advertise address (dockerd 20.10 has no
 * flag for it), and a port already taken does not fail `swarm init` or `join`: the node just runs
 * without gossip. So every swarm node gets a loopback address of its own, from a range nothing
 * else on this machine uses, held by a lock file that parallel test files and parallel test runs
 * all see.
 */
const FIRST_OCTET = 200;
const LAST_OCTET = 239;
const LOCK_DIR = "/tmp/bridgeport-swarm-addresses";
export const GOSSIP_PORT = 7946;

export interface SwarmAddress {
  /** `127.0.0.2xx`. */
  address: string;
  /** The last octet, for names derived from the address (a bridge device, a subnet). */
  octet: number;
  release(): Promise<void>;
}

/**
 * Claims a free loopback address for one swarm node: its lock file taken, and 7946 free on it
 * over TCP and UDP right now.
 *
 * @example
 * const { address, release } = await claimSwarmAddress(); // "127.0.0.200"
 */
export async function claimSwarmAddress(): Promise<SwarmAddress> {
  await mkdir(LOCK_DIR, { recursive: true, mode: 0o700 });
  for (let octet = FIRST_OCTET; octet <= LAST_OCTET; octet++) {
    const address = `127.0.0.${octet}`;
    const lock = join(LOCK_DIR, `${address}.lock`);
    if (!(await tryLock(lock))) continue;
    const release = () => rm(lock, { force: true });
    if (await gossipPortFree(address)) return { address, octet, release };
    await release();
  }
  throw new Error(
    `no loopback address in 127.0.0.${FIRST_OCTET}-${LAST_OCTET} is free for a swarm node (locks in ${LOCK_DIR}, port ${GOSSIP_PORT})`,
  );
}

/** Whether nothing listens on `address`:7946, TCP or UDP. */
export async function gossipPortFree(address: string): Promise<boolean> {
  return (await canBindTcp(address, GOSSIP_PORT)) && (await canBindUdp(address, GOSSIP_PORT));
}

function canBindTcp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function canBindUdp(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address, port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}
