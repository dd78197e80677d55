import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { HealthCheckDefinition } from "../schema/services.js";
import { SERVICE_KINDS, WORKLOAD_KINDS } from "../schema/values.js";
import { nullOrOneOf, oneOf, timestamps } from "./columns.js";
import { containerImages } from "./container-images.js";
import { servers } from "./servers.js";

/** services on PostgreSQL: see ../schema/services.ts. */
export const services = pgTable(
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
    healthCheck: jsonb("health_check").$type<HealthCheckDefinition>(),
    deployedDigest: text("deployed_digest"),
    namespace: text("namespace"),
    workloadKind: text("workload_kind", { enum: WORKLOAD_KINDS }),
    workloadContainer: text("workload_container"),
    ...timestamps(),
  },
  (t) => [
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
