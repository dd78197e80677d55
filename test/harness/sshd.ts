import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { sweepStaleDirs } from "./host-cleanup.js";
import { readSshBanner } from "./host-ssh-banner.js";
import { generateSshKeyPair } from "./host-ssh-keys.js";
import { ensureLinuxUser, type LinuxUser } from "./linux-user.js";
import { freePort } from "./ports.js";
import { type ManagedProcess, startProcess, waitUntil } from "./process.js";
import { makeTempDir, removeTempDir } from "./temp-dir.js";

export interface SshdOptions {
  /** Loopback address to listen on; each address plays one server. Default 127.0.0.2. */
  address?: string;
  /** Default: {@link ensureLinuxUser}'s `bridgeport-test`. */
  user?: LinuxUser;
  /** DOCKER_HOST for the user's sessions, e.g. a {@link Dockerd}'s `dockerHost`. */
  dockerHost: string;
  /** Also accept the user's password (public keys are always accepted). Default true. */
  passwordAuth?: boolean;
  startTimeoutMs?: number;
}

/** How to reach one SSH deploy target: plain data, fit for vitest's `provide`/`inject`. */
export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** OpenSSH private key text accepted for `username`. */
  privateKey: string;
  /** The user's password; only accepted when `passwordAuth` is true. */
  password: string;
  passwordAuth: boolean;
  /** `SHA256:<base64 without padding>` of the host key, as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** `ssh-ed25519 AAAA...`, for a known_hosts line. */
  hostPublicKey: string;
  dockerHost: string;
}

/** A real OpenSSH server playing one deploy target. */
export interface Sshd extends SshTarget {
  log(): string;
  /** Stops the server. Safe to call twice. */
  stop(): Promise<void>;
}

/** The connection facts of a running sshd, without its methods. */
export function sshTarget(sshd: Sshd): SshTarget {
  const { log: _log, stop: _stop, ...target } = sshd;
  return target;
}

// Parallel deploys open many connections at once; the defaults (10 unauthenticated, 10 sessions)
// would make sshd drop some of them.
const MAX_STARTUPS = 200;
const MAX_SESSIONS = 100;
const PORT_ATTEMPTS = 3;

/**
 * Starts `/usr/sbin/sshd` on `address` with a free port and its own ed25519 host key, letting
 * the test user in by key (and password if asked), with DOCKER_HOST set for every session.
 */
export async function startSshd(options: SshdOptions): Promise<Sshd> {
  const address = options.address ?? "127.0.0.2";
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address))
    throw new Error(`sshd must listen on loopback, not ${address}`);
  if (!/^unix:\/\/\/[^\s"]+$/.test(options.dockerHost))
    throw new Error(`unexpected dockerHost ${options.dockerHost}`);
  const user = options.user ?? (await ensureLinuxUser());
  const passwordAuth = options.passwordAuth ?? true;
  // Privilege separation needs this directory; a fresh machine boots without it.
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  await sweepStaleDirs("sshd", "sshd.pid");
  const dir = await makeTempDir("sshd");
  const hostKey = generateSshKeyPair(`bridgeport-test-host-${address}`);
  const hostKeyPath = join(dir, "ssh_host_ed25519_key");
  await writeFile(hostKeyPath, hostKey.privateKey, { mode: 0o600 });
  try {
    const { port, child } = await listenOnFreePort(
      dir,
      address,
      (port) =>
        sshdConfig({ port, address, hostKeyPath, dir, user, passwordAuth, dockerHost: options.dockerHost }),
      options.startTimeoutMs ?? 15_000,
    );
    let stopping: Promise<void> | undefined;
    return {
      host: address,
      port,
      username: user.username,
      privateKey: user.privateKey,
      password: user.password,
      passwordAuth,
      hostKeyFingerprint: hostKey.fingerprint,
      hostPublicKey: hostKey.publicKey.split(" ").slice(0, 2).join(" "),
      dockerHost: options.dockerHost,
      log: child.output,
      stop() {
        stopping ??= child.stop().then(() => removeTempDir(dir));
        return stopping;
      },
    };
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
}

// freePort() only says the port was free a moment ago; retry when sshd loses the race for it.
async function listenOnFreePort(
  dir: string,
  address: string,
  config: (port: number) => string,
  timeoutMs: number,
): Promise<{ port: number; child: ManagedProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(address);
    const configPath = join(dir, "sshd_config");
    await writeFile(configPath, config(port), { mode: 0o600 });
    const child = startProcess({
      name: `sshd ${address}:${port}`,
      argv: ["/usr/sbin/sshd", "-D", "-e", "-f", configPath],
    });
    try {
      await waitUntil(async () => (await readSshBanner(address, port)).startsWith("SSH-2.0-"), {
        what: `sshd banner on ${address}:${port}`,
        timeoutMs,
        process: child,
      });
      return { port, child };
    } catch (error) {
      await child.stop();
      const lostRace = /Address already in use|Cannot bind any address/.test(child.output());
      if (!lostRace || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

interface ConfigInput {
  port: number;
  address: string;
  hostKeyPath: string;
  dir: string;
  user: LinuxUser;
  passwordAuth: boolean;
  dockerHost: string;
}

function sshdConfig(input: ConfigInput): string {
  const yesNo = (value: boolean) => (value ? "yes" : "no");
  return [
    `Port ${input.port}`,
    `ListenAddress ${input.address}`,
    `HostKey ${input.hostKeyPath}`,
    `PidFile ${join(input.dir, "sshd.pid")}`,
    "UsePAM no",
    `AllowUsers ${input.user.username}`,
    "PermitRootLogin no",
    "PubkeyAuthentication yes",
    "AuthorizedKeysFile .ssh/authorized_keys",
    `PasswordAuthentication ${yesNo(input.passwordAuth)}`,
    "KbdInteractiveAuthentication no",
    "PermitEmptyPasswords no",
    `SetEnv DOCKER_HOST=${input.dockerHost}`,
    `MaxStartups ${MAX_STARTUPS}`,
    `MaxSessions ${MAX_SESSIONS}`,
    "UseDNS no",
    "PrintMotd no",
    "X11Forwarding no",
    "Subsystem sftp internal-sftp",
    "LogLevel VERBOSE",
    "",
  ].join("\n");
}
