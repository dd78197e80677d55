import type { TestProject } from "vitest/node";
import "./provided-context.js";
import { startPostgres } from "./postgres.js";

/**
 * Global set-up of the `*-pg` projects: one throwaway PostgreSQL cluster for the whole run
 * (about a second to start), handed to the test files as `inject("postgres")`; each file gets
 * a database of its own from postgres-per-file.ts.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startPostgres();
  project.provide("postgres", postgres.info());
  return () => postgres.stop();
}
