import { index, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import type { HealthCheckDefinition } from "../schema/services.js";
import { SERVICE_KINDS } from "../schema/values.js";
import { oneOf, timestamps } from "./columns.js";
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
    ...timestamps(),
  },
  (t) => [
    unique("services_server_container_unique").on(t.serverId, t.containerName),
    index("services_image_idx").on(t.containerImageId),
    oneOf("services_kind_check", t.kind, SERVICE_KINDS),
  ],
);
