import { sql } from "drizzle-orm";
import { check, index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { services } from "./services.js";

/** service_dependencies on PostgreSQL: see ../schema/service-dependencies.ts. */
export const serviceDependencies = pgTable(
  "service_dependencies",
  {
    serviceId: text("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    dependsOnServiceId: text("depends_on_service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ name: "service_dependencies_pk", columns: [t.serviceId, t.dependsOnServiceId] }),
    index("service_dependencies_depends_on_idx").on(t.dependsOnServiceId),
    check("service_dependencies_not_self_check", sql`${t.serviceId} <> ${t.dependsOnServiceId}`),
  ],
);
