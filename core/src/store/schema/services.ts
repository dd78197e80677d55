import { index, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import { oneOf, timestamps } from "./columns.js";
import { containerImages } from "./container-images.js";
import { servers } from "./servers.js";
import { SERVICE_KINDS } from "./values.js";

/** How a service proves it is up after a deploy (SPEC.md section 5). */
export type HealthCheckDefinition = { timeoutMs: number; intervalMs: number; retries: number } & (
  | { kind: "docker" }
  | { kind: "http"; url: string }
  | { kind: "tcp"; host?: string; port: number }
);

/**
 * A container (or compose service) on a server, or a Swarm service on a Swarm manager, linked to
 * exactly one container image. `containerName` is the name it has there: the container's, or the
 * Swarm service's.
 */
export const services = sqliteTable(
  "services",
  {
    id: text("id").primaryKey(),
    serverId: text("server_id")
      .notNull()
      .references(() => servers.id, { onDelete: "restrict" }),
    containerImageId: text("container_image_id")
      .notNull()
      .references(() => containerImages.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    containerName: text("container_name").notNull(),
    kind: text("kind", { enum: SERVICE_KINDS }).notNull().default("container"),
    composeFile: text("compose_file"),
    composeService: text("compose_service"),
    healthCheck: text("health_check", { mode: "json" }).$type<HealthCheckDefinition>(),
    deployedDigest: text("deployed_digest"),
    ...timestamps(),
  },
  (t) => [
    unique("services_server_container_unique").on(t.serverId, t.containerName),
    index("services_image_idx").on(t.containerImageId),
    oneOf("services_kind_check", t.kind, SERVICE_KINDS),
  ],
);
