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

/**
 * The fingerprint of the host key a server offers, learnt from the handshake alone: the key is
 * refused at once, so nothing is authenticated and no secret is sent. What a user checks
 * before pinning it (`hostKeyFingerprint`).
 *
 * @example
 * await offeredHostKey({ host: "10.0.0.5", port: 22, username: "deploy" }) // => "SHA256:uNiV..."
 */
export function offeredHostKey(
  target: Pick<SshTarget, "host" | "port" | "username">,
  timeouts: Pick<SshTimeouts, "readyTimeoutMs"> = {},
): Promise<string> {
  const where = describeTarget(target);
  const readyTimeout = timeouts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: string | undefined;
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      client.end();
      finish();
    };
    const guard = setTimeout(
      () =>
        settle(() =>
          reject(
            new RemoteConnectionError(
              `SSH connection to ${where} did not complete within ${readyTimeout} ms`,
              {
                host: target.host,
                failure: "timeout",
              },
            ),
          ),
        ),
      readyTimeout,
    );
    client.on("error", (error: Error) =>
      settle(() =>
        presented === undefined
          ? reject(
              new RemoteConnectionError(`cannot connect to ${where}: ${error.message}`, {
                host: target.host,
                failure: "network",
                cause: error,
              }),
            )
          : resolve(presented),
      ),
    );
    client.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      hostVerifier: (key: Buffer) => {
        presented = hostKeyFingerprint(key);
        return false;
      },
      algorithms: { kex: KEX },
      readyTimeout,
    });
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
