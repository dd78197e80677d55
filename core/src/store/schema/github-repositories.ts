import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamps } from "./columns.js";

/**
 * Which images a GitHub repository's PR comments deploy, and to which environment by default.
 * Images and environments are kept by name, as a `/deploy` comment and POST /api/deploy name
 * them: one image name usually exists in several environments.
 */
export const githubRepositories = sqliteTable("github_repositories", {
  id: text("id").primaryKey(),
  /** `owner/name`, lower case: GitHub treats repository names case-insensitively. */
  repository: text("repository").notNull().unique(),
  images: text("images", { mode: "json" }).$type<string[]>().notNull(),
  defaultEnvironment: text("default_environment").notNull(),
  /** The environments a comment may name; null allows every environment. */
  environments: text("environments", { mode: "json" }).$type<string[] | null>(),
  ...timestamps(),
});
