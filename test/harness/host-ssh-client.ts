import { Client, type ConnectConfig, type KexAlgorithm } from "ssh2";
import { fingerprintOfBlob } from "./host-ssh-keys.js";
import type { SshTarget } from "./sshd.js";

export const SSH_AUTH_METHODS = ["key", "password"] as const;
export type SshAuthMethod = (typeof SSH_AUTH_METHODS)[number];

// Group-exchange key exchange can take tens of seconds on these machines; curve25519 takes milliseconds.
const FAST_KEX: KexAlgorithm[] = ["curve25519-sha256", "curve25519-sha256@libssh.org"];

export interface ConnectOptions {
  auth?: SshAuthMethod;
  /** The host key fingerprint to insist on; default the server's own, as a pinned key would be. */
  expectedFingerprint?: string;
}

/** Opens an ssh2 connection to a harness sshd, verifying its host key against a pinned fingerprint. */
export function connectToSshd(sshd: SshTarget, options: ConnectOptions = {}): Promise<Client> {
  const expected = options.expectedFingerprint ?? sshd.hostKeyFingerprint;
  const secret: Partial<ConnectConfig> =
    (options.auth ?? "key") === "key" ? { privateKey: sshd.privateKey } : { password: sshd.password };
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once("ready", () => resolve(client));
    client.once("error", (error) => {
      client.end();
      reject(error);
    });
    client.connect({
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      ...secret,
      hostVerifier: (key: Buffer) => fingerprintOfBlob(key) === expected,
      algorithms: { kex: FAST_KEX },
      readyTimeout: 20_000,
    });
  });
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one command on the connection (through the user's login shell, as `ssh host cmd` does). */
export function sshExec(client: Client, command: string, timeoutMs = 30_000): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error !== undefined) {
        reject(error);
        return;
      }
      let stdout = "";
      let stderr = "";
      const timer = setTimeout(() => {
        channel.close();
        reject(new Error(`remote command did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      channel.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
      });
      channel.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      channel.once("close", (code: number | null) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  });
}

/** Connects, runs one command, disconnects. */
export async function sshRun(
  sshd: SshTarget,
  command: string,
  options: ConnectOptions = {},
): Promise<ExecResult> {
  const client = await connectToSshd(sshd, options);
  try {
    return await sshExec(client, command);
  } finally {
    client.end();
  }
}
