/** The authentication a test registry enforces. */
export const registryAuthModes = ["none", "htpasswd", "token"] as const;
export type RegistryAuth = (typeof registryAuthModes)[number];

export interface NotificationEndpoint {
  url: string;
  /** Sent with every delivery, e.g. a shared secret; written to the config file, never argv. */
  headers?: Record<string, string>;
  /** Per-delivery timeout; default 2000 ms. */
  timeoutMs?: number;
  /** Wait after a failed delivery before retrying; default 500 ms. */
  backoffMs?: number;
}

export type RegistryConfigAuth =
  | { mode: "none" }
  | { mode: "htpasswd"; path: string }
  | { mode: "token"; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RegistryConfigInput {
  port: number;
  storageDir: string;
  httpSecret: string;
  auth: RegistryConfigAuth;
  notifications: readonly NotificationEndpoint[];
}

/**
 * Builds the distribution registry's configuration. JSON is valid YAML, so the result is
 * written with JSON.stringify and no quoting can go wrong.
 *
 * @example
 * registryConfig({ port, storageDir, httpSecret, auth: { mode: "none" }, notifications: [] });
 */
export function registryConfig(input: RegistryConfigInput): Record<string, unknown> {
  const config: Record<string, unknown> = {
    version: "0.1",
    log: { level: "warn", formatter: "text", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: input.storageDir },
      delete: { enabled: true },
      cache: { blobdescriptor: "inmemory" },
      // The purge job would only add noise to short-lived registries.
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `127.0.0.1:${input.port}`, secret: input.httpSecret },
  };
  const { auth } = input;
  if (auth.mode === "htpasswd") config.auth = { htpasswd: { realm: "bridgeport-test", path: auth.path } };
  if (auth.mode === "token") {
    config.auth = {
      token: {
        realm: auth.realm,
        service: auth.service,
        issuer: auth.issuer,
        rootcertbundle: auth.rootCertBundle,
      },
    };
  }
  if (input.notifications.length > 0) {
    config.notifications = {
      events: { includereferences: true },
      endpoints: input.notifications.map((endpoint, index) => ({
        name: `endpoint-${index}`,
        url: endpoint.url,
        headers: Object.fromEntries(
          Object.entries(endpoint.headers ?? {}).map(([name, value]) => [name, [value]]),
        ),
        timeout: `${endpoint.timeoutMs ?? 2_000}ms`,
        threshold: 3,
        backoff: `${endpoint.backoffMs ?? 500}ms`,
        // Without this every HEAD and blob pull would send an event.
        ignore: { mediatypes: ["application/octet-stream"], actions: ["pull"] },
      })),
    };
  }
  return config;
}
