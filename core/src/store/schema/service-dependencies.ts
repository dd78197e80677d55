import { sql } from "drizzle-orm";
import { check, index, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { services } from "./services.js";

/** "serviceId starts after dependsOnServiceId is healthy": the edges plan building sorts. */
export const serviceDependencies = sqliteTable(
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
