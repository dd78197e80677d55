import { sql } from "drizzle-orm";
import { check, index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { nullOrOneOf, oneOf, timestamps } from "./columns.js";
import { containerImages } from "./container-images.js";
import { servers } from "./servers.js";
import { SERVICE_KINDS, WORKLOAD_KINDS } from "./values.js";

/** How a service proves it is up after a deploy (SPEC.md section 5). */
export type HealthCheckDefinition = { timeoutMs: number; intervalMs: number; retries: number } & (
  | { kind: "docker" }
  | { kind: "http"; url: string }
  | { kind: "tcp"; host?: string; port: number }
);

/**
 * A container (or compose service) on a server, a Swarm service on a Swarm manager, or one
 * container of a Kubernetes workload, linked to exactly one container image. `containerName` is
 * the name it has there: the container's, the Swarm service's, or the workload's (which lives in
 * `namespace`, is a `workloadKind` and runs the image in its container `workloadContainer`).
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
    namespace: text("namespace"),
    workloadKind: text("workload_kind", { enum: WORKLOAD_KINDS }),
    workloadContainer: text("workload_container"),
    ...timestamps(),
  },
  (t) => [
    // One service per container, Swarm service, or workload container (a workload's name is
    // unique per namespace and kind, and it may hold several containers).
    uniqueIndex("services_server_container_unique").on(
      t.serverId,
      sql`coalesce(${t.namespace}, '')`,
      sql`coalesce(${t.workloadKind}, '')`,
      t.containerName,
      sql`coalesce(${t.workloadContainer}, '')`,
    ),
    index("services_image_idx").on(t.containerImageId),
    oneOf("services_kind_check", t.kind, SERVICE_KINDS),
    check(
      "services_workload_check",
      sql`(${t.kind} = 'k8s-workload') = (${t.namespace} IS NOT NULL AND ${t.workloadKind} IS NOT NULL AND ${t.workloadContainer} IS NOT NULL)`,
    ),
    nullOrOneOf("services_workload_kind_check", t.workloadKind, WORKLOAD_KINDS),
  ],
);
