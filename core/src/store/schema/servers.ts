import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import { nullOrOneOf, oneOf, timestamps } from "./columns.js";
import { environments } from "./environments.js";
import { SERVER_AUTH_KINDS, SERVER_MODES } from "./values.js";

/**
 * A Docker host, reached over SSH or through a local Docker Engine socket, a Swarm manager
 * reached either way, or a Kubernetes cluster (its API server URL and CA). The SSH private key or
 * password, or the cluster's bearer token or client certificate and key, is kept only as a
 * cipher envelope in `secretCiphertext`.
 */
export const servers = sqliteTable(
  "servers",
  {
    id: text("id").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    name: text("name").notNull(),
    mode: text("mode", { enum: SERVER_MODES }).notNull(),
    host: text("host"),
    port: integer("port").notNull().default(22),
    username: text("username"),
    authKind: text("auth_kind", { enum: SERVER_AUTH_KINDS }),
    secretCiphertext: text("secret_ciphertext"),
    // Pinned SSH host key, "SHA256:<base64>"; a different key refuses the connection.
    hostKeyFingerprint: text("host_key_fingerprint"),
    socketPath: text("socket_path"),
    dockerSocketPath: text("docker_socket_path").notNull().default("/var/run/docker.sock"),
    platform: text("platform"),
    // A cluster: its API server (https://...), the CA its certificate is checked against (PEM;
    // null: the system's CAs), and the namespace discovery reads when it may not list namespaces.
    apiServerUrl: text("api_server_url"),
    caCertificate: text("ca_certificate"),
    namespace: text("namespace"),
    ...timestamps(),
  },
  (t) => [
    unique("servers_environment_name_unique").on(t.environmentId, t.name),
    oneOf("servers_mode_check", t.mode, SERVER_MODES),
    nullOrOneOf("servers_auth_kind_check", t.authKind, SERVER_AUTH_KINDS),
    check(
      "servers_ssh_target_check",
      sql`${t.mode} <> 'ssh' OR (${t.host} IS NOT NULL AND ${t.username} IS NOT NULL)`,
    ),
    // A Swarm manager is reached over SSH (host and user) or through its socket.
    check(
      "servers_swarm_target_check",
      sql`${t.mode} <> 'swarm' OR ${t.socketPath} IS NOT NULL OR (${t.host} IS NOT NULL AND ${t.username} IS NOT NULL)`,
    ),
    check("servers_kubernetes_target_check", sql`${t.mode} <> 'kubernetes' OR ${t.apiServerUrl} IS NOT NULL`),
    check("servers_port_check", sql`${t.port} BETWEEN 1 AND 65535`),
    // A secret without a kind could not be used; a kind without a secret is a half-saved server.
    check("servers_auth_pair_check", sql`(${t.authKind} IS NULL) = (${t.secretCiphertext} IS NULL)`),
  ],
);
