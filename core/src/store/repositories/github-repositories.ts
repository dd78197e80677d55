import { asc, eq } from "drizzle-orm";
import { newId } from "../ids.js";
import type { StoreTables } from "../schema/tables.js";
import { found, onDuplicate, pick, type RepositoryContext, read, write } from "./context.js";

export type GitHubRepository = StoreTables["githubRepositories"]["$inferSelect"];

export interface NewGitHubRepository {
  repository: string;
  images: string[];
  defaultEnvironment: string;
  environments?: string[] | null;
}
export type GitHubRepositoryPatch = Partial<NewGitHubRepository>;

export interface GitHubRepositoryRepository {
  create(input: NewGitHubRepository): Promise<GitHubRepository>;
  get(id: string): Promise<GitHubRepository | undefined>;
  /** By `owner/name`, in any case. */
  findByName(repository: string): Promise<GitHubRepository | undefined>;
  list(): Promise<GitHubRepository[]>;
  update(id: string, patch: GitHubRepositoryPatch): Promise<GitHubRepository>;
  delete(id: string): Promise<void>;
}

const ENTITY = "GitHub repository";
const DUPLICATE = "This GitHub repository is already configured";
const FIELDS = ["repository", "images", "defaultEnvironment", "environments"] as const;

const normalized = <T extends GitHubRepositoryPatch>(input: T): T =>
  input.repository === undefined ? input : { ...input, repository: input.repository.toLowerCase() };

/** Across processes (PostgreSQL): single-statement writes; the unique repository name decides duplicates. */
export function createGitHubRepositoryRepository(ctx: RepositoryContext): GitHubRepositoryRepository {
  const { githubRepositories } = ctx.tables;
  return {
    create: (input) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const row = {
          id: newId(now.getTime()),
          ...pick(normalized(input), FIELDS),
          createdAt: now,
          updatedAt: now,
        };
        const [created] = await tx
          .insert(githubRepositories)
          .values(row)
          .returning()
          .catch(onDuplicate(DUPLICATE));
        return found(created, ENTITY, row.id);
      }),
    get: (id) =>
      read(ctx, (db) => db.query.githubRepositories.findFirst({ where: eq(githubRepositories.id, id) })),
    findByName: (repository) =>
      read(ctx, (db) =>
        db.query.githubRepositories.findFirst({
          where: eq(githubRepositories.repository, repository.toLowerCase()),
        }),
      ),
    list: () =>
      read(ctx, (db) => db.select().from(githubRepositories).orderBy(asc(githubRepositories.repository))),
    update: (id, patch) =>
      write(ctx, async (tx) => {
        const [updated] = await tx
          .update(githubRepositories)
          .set({ ...pick(normalized(patch), FIELDS), updatedAt: ctx.now() })
          .where(eq(githubRepositories.id, id))
          .returning()
          .catch(onDuplicate(DUPLICATE));
        return found(updated, ENTITY, id);
      }),
    delete: (id) =>
      write(ctx, async (tx) => {
        const deleted = await tx.delete(githubRepositories).where(eq(githubRepositories.id, id)).returning();
        found(deleted[0], ENTITY, id);
      }),
  };
}
