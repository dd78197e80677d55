import { Client, type ConnectConfig, type KexAlgorithm } from "ssh2";
import { RemoteConnectionError, type RemoteConnectionFailure } from "./errors.js";
import { hostKeyFingerprint, hostKeyMismatchMessage, isHostKeyFingerprint } from "./host-key.js";
import {
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  DEFAULT_READY_TIMEOUT_MS,
  describeTarget,
  KEEPALIVE_COUNT_MAX,
  type SshTarget,
  type SshTimeouts,
} from "./ssh-target.js";

// curve25519 first: ssh2 would otherwise offer Diffie-Hellman group exchange early, and the
// server's prime generation for it takes tens of seconds on small machines.
const KEX: KexAlgorithm[] = [
  "curve25519-sha256",
  "curve25519-sha256@libssh.org",
  "ecdh-sha2-nistp256",
  "ecdh-sha2-nistp384",
  "ecdh-sha2-nistp521",
  "diffie-hellman-group14-sha256",
  "diffie-hellman-group-exchange-sha256",
];

/**
 * Opens an authenticated ssh2 client, refusing any host key but the pinned one. Failures are
 * {@link RemoteConnectionError}s that say which kind they are; none carries the secret.
 */
export function connectSshClient(target: SshTarget, timeouts: SshTimeouts = {}): Promise<Client> {
  const where = describeTarget(target);
  if (!isHostKeyFingerprint(target.hostKeyFingerprint)) {
    return Promise.reject(
      new RemoteConnectionError(
        `no valid pinned host key for ${where}: expected "SHA256:<base64>", as ssh-keygen -lf prints it`,
        { host: target.host, failure: "host-key-mismatch" },
      ),
    );
  }
  const readyTimeout = timeouts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  let presented: string | undefined;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let settled = false;
    const fail = (error: RemoteConnectionError) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      client.end();
      reject(error);
    };
    // ssh2's readyTimeout starts after the TCP connection; this one also bounds the connect itself.
    const guard = setTimeout(
      () =>
        fail(
          new RemoteConnectionError(`SSH connection to ${where} did not complete within ${readyTimeout} ms`, {
            host: target.host,
            failure: "timeout",
          }),
        ),
      readyTimeout,
    );
    client.once("ready", () => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve(client);
    });
    client.on("error", (error: Error & { level?: string }) => {
      fail(translate(error, target, where, readyTimeout, presented));
    });
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.username,
      ...(target.auth.kind === "key"
        ? {
            privateKey: target.auth.secret,
            ...(target.auth.passphrase === undefined ? {} : { passphrase: target.auth.passphrase }),
          }
        : { password: target.auth.secret, tryKeyboard: false }),
      hostVerifier: (key: Buffer) => {
        presented = hostKeyFingerprint(key);
        return presented === target.hostKeyFingerprint;
      },
      algorithms: { kex: KEX },
      readyTimeout,
      keepaliveInterval: timeouts.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
    };
    try {
      client.connect(config);
    } catch (error) {
      // A malformed private key throws synchronously; its message does not quote the key.
      fail(
        new RemoteConnectionError(`cannot connect to ${where}: ${(error as Error).message}`, {
          host: target.host,
          failure: "auth",
        }),
      );
    }
  });
}

function translate(
  error: Error & { level?: string },
  target: SshTarget,
  where: string,
  readyTimeout: number,
  presented: string | undefined,
): RemoteConnectionError {
  const make = (message: string, failure: RemoteConnectionFailure) =>
    new RemoteConnectionError(message, { host: target.host, failure, cause: error });
  if (presented !== undefined && presented !== target.hostKeyFingerprint) {
    return make(hostKeyMismatchMessage(where, target.hostKeyFingerprint, presented), "host-key-mismatch");
  }
  if (error.level === "client-authentication") {
    return make(`SSH authentication failed for ${where} (${target.auth.kind} refused)`, "auth");
  }
  if (/timed out/i.test(error.message)) {
    return make(`SSH connection to ${where} did not complete within ${readyTimeout} ms`, "timeout");
  }
  return make(`cannot connect to ${where}: ${error.message}`, "network");
}
