import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type Dockerd, startDockerd } from "./dockerd.js";
import { dockerApi } from "./host-docker-api.js";
import { freePort } from "./ports.js";
import { waitUntil } from "./process.js";
import type { RegistryInfo } from "./registry.js";
import { type CommandResult, runCommand } from "./run-command.js";
import { claimSwarmAddress, GOSSIP_PORT, gossipPortFree, type SwarmAddress } from "./swarm-address.js";

export interface SwarmNode {
  dockerd: Dockerd;
  /** The node's own loopback address (its advertise and gossip address). */
  address: string;
  nodeId: string;
}

export interface Swarm {
  manager: SwarmNode;
  workers: SwarmNode[];
  /** The docker CLI against the manager, with a config dir of its own (logins stay in it). */
  docker(args: readonly string[], options?: { stdin?: string; timeoutMs?: number }): Promise<CommandResult>;
  /** `docker login` for the CLI above, password on stdin: what `--with-registry-auth` sends. */
  login(registry: Pick<RegistryInfo, "host" | "username" | "password">): Promise<void>;
  /** Leaves the swarm on every node, removes their networks, stops the engines, frees the addresses. */
  stop(): Promise<void>;
}

export interface SwarmOptions {
  /** Workers joined to the manager, each on its own address and engine. Default 0. */
  workers?: number;
  insecureRegistries?: readonly string[];
}

/**
 * A real single-manager swarm on private engines (`startDockerd`: no bridge, no iptables), each
 * node on a loopback address it holds alone (see `claimSwarmAddress`). Services there need
 * `--network host`. Traps of this engine version the start avoids: `docker_gwbridge` is created
 * first with a bridge device named after the node (the default name is shared by every daemon on
 * the machine), the `ingress` network is removed right after init (it would open a VXLAN socket
 * on 0.0.0.0), and each node must hold its gossip port after init (a taken one fails silently).
 *
 * @example
 * const swarm = await startSwarm({ workers: 1, insecureRegistries: [registry.host] });
 * await swarm.docker(["service", "create", "--network", "host", ...]);
 * await swarm.stop();
 */
export async function startSwarm(options: SwarmOptions = {}): Promise<Swarm> {
  const nodes: { dockerd: Dockerd; claim: SwarmAddress }[] = [];
  const configDir = await mkdtemp(join(tmpdir(), "bridgeport-test-swarm-cli-"));
  const cli = (
    dockerd: Dockerd,
    args: readonly string[],
    extra: { stdin?: string; timeoutMs?: number } = {},
  ) => runCommand(["docker", "--config", configDir, "-H", dockerd.dockerHost, ...args], extra);
  const stop = async () => {
    // Workers first: a manager that leaves first strands them.
    for (const { dockerd, claim } of [...nodes].reverse()) {
      await cli(dockerd, ["swarm", "leave", "--force"]).catch(() => undefined);
      await cli(dockerd, ["network", "rm", "docker_gwbridge"]).catch(() => undefined);
      await dockerd.stop().catch(() => undefined);
      await claim.release();
    }
    await rm(configDir, { recursive: true, force: true });
  };
  const addNode = async (joining?: { token: string; manager: string }): Promise<SwarmNode> => {
    const claim = await claimSwarmAddress();
    const dockerd = await startDockerd(
      options.insecureRegistries ? { insecureRegistries: options.insecureRegistries } : {},
    ).catch(async (error: unknown) => {
      await claim.release();
      throw error;
    });
    nodes.push({ dockerd, claim });
    await cli(dockerd, [
      "network",
      "create",
      "--driver",
      "bridge",
      "--subnet",
      `10.213.${claim.octet}.0/24`,
      "--opt",
      `com.docker.network.bridge.name=bpgw${claim.octet}`,
      "--opt",
      "com.docker.network.bridge.enable_icc=false",
      "--opt",
      "com.docker.network.bridge.enable_ip_masquerade=false",
      "docker_gwbridge",
    ]);
    const listen = `${claim.address}:${await freePort(claim.address)}`;
    if (joining) {
      // Through the API: the CLI takes the join token only as an argument, where `ps` shows it.
      const body = {
        ListenAddr: listen,
        AdvertiseAddr: listen,
        RemoteAddrs: [joining.manager],
        JoinToken: joining.token,
      };
      const joined = await dockerApi(dockerd.socketPath, "POST", "/v1.41/swarm/join", {
        body: Readable.from([JSON.stringify(body)]),
        contentType: "application/json",
        timeoutMs: 60_000,
      });
      if (joined.status !== 200)
        throw new Error(`swarm join of ${claim.address}: ${joined.status} ${joined.body}`);
    } else {
      await cli(dockerd, [
        "swarm",
        "init",
        "--advertise-addr",
        listen,
        "--listen-addr",
        listen,
        "--data-path-port",
        String(await freePort(claim.address)),
      ]);
      await removeIngress(dockerd);
    }
    await waitUntil(async () => !(await gossipPortFree(claim.address)), {
      what: `dockerd to hold ${claim.address}:${GOSSIP_PORT} (gossip)`,
      timeoutMs: 10_000,
    });
    if (/failed to create memberlist/.test(dockerd.log()))
      throw new Error(`dockerd on ${claim.address} runs without gossip: ${GOSSIP_PORT} was taken`);
    const nodeId = (await cli(dockerd, ["info", "--format", "{{.Swarm.NodeID}}"])).stdout.trim();
    return { dockerd, address: listen, nodeId };
  };

  try {
    const manager = await addNode();
    const token = (await cli(manager.dockerd, ["swarm", "join-token", "-q", "worker"])).stdout.trim();
    const workers: SwarmNode[] = [];
    for (let i = 0; i < (options.workers ?? 0); i++)
      workers.push(await addNode({ token, manager: manager.address }));
    await waitUntil(
      async () => {
        const ready = await cli(manager.dockerd, ["node", "ls", "--format", "{{.Status}}"]);
        return (
          ready.stdout
            .trim()
            .split("\n")
            .filter((s) => s === "Ready").length ===
          1 + workers.length
        );
      },
      { what: "every swarm node to be Ready", timeoutMs: 30_000, intervalMs: 200 },
    );
    return {
      manager,
      workers,
      docker: (args, extra) => cli(manager.dockerd, args, extra),
      async login(registry) {
        await cli(manager.dockerd, ["login", registry.host, "-u", registry.username, "--password-stdin"], {
          stdin: registry.password,
        });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Host-network services need no routing mesh, and its VXLAN socket would listen on 0.0.0.0. */
async function removeIngress(dockerd: Dockerd): Promise<void> {
  await waitUntil(
    async () => {
      const { status } = await dockerApi(dockerd.socketPath, "DELETE", "/v1.41/networks/ingress");
      return status === 204 || status === 404;
    },
    { what: "the ingress network to be removed", timeoutMs: 15_000, intervalMs: 200 },
  );
}
