import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.js";

/** github_repositories on PostgreSQL: see ../schema/github-repositories.ts. */
export const githubRepositories = pgTable("github_repositories", {
  id: text("id").primaryKey(),
  repository: text("repository").notNull().unique(),
  images: jsonb("images").$type<string[]>().notNull(),
  defaultEnvironment: text("default_environment").notNull(),
  environments: jsonb("environments").$type<string[] | null>(),
  ...timestamps(),
});
