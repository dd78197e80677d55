import { type GitHubRepository, NotFoundError, type Store } from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { badRequest } from "../http/bad-request.js";
import { definedOnly } from "../http/defined-only.js";
import { environmentName } from "../http/environment-input.js";
import { imageName } from "../http/image-input.js";
import { itemRoutes } from "../http/item-routes.js";
import { apiRouter, errorResponses, iso, jsonBody, jsonResponse } from "../http/openapi-router.js";

const GitHubRepositoryInput = z
  .object({
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, "owner/name of a GitHub repository")
      .openapi({ example: "acme/shop" }),
    images: z
      .array(imageName)
      .min(1)
      .max(20)
      .openapi({ description: "Container images as configured (registry/repository), without tag" }),
    defaultEnvironment: environmentName.openapi({ description: "Where `/deploy` goes without `to <env>`" }),
    environments: z
      .array(environmentName)
      .min(1)
      .nullable()
      .optional()
      .openapi({ description: "The environments comments may name; null or absent: every environment" }),
  })
  .strict();

const GitHubRepositoryJson = z
  .object({
    id: z.string(),
    repository: z.string(),
    images: z.array(z.string()),
    defaultEnvironment: z.string(),
    environments: z.array(z.string()).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("GitHubRepository");
const One = z.object({ githubRepository: GitHubRepositoryJson });
const tags = ["github"];

const create = createRoute({
  method: "post",
  path: "/api/github-repositories",
  tags,
  summary: "Let a GitHub repository's PR comments deploy these images",
  request: jsonBody(GitHubRepositoryInput),
  responses: { 201: jsonResponse(One, "Created"), ...errorResponses },
});
const list = createRoute({
  method: "get",
  path: "/api/github-repositories",
  tags,
  responses: {
    200: jsonResponse(
      z.object({ githubRepositories: z.array(GitHubRepositoryJson) }),
      "Every configured repository",
    ),
  },
});
const { get, patch, remove } = itemRoutes(
  "/api/github-repositories/{id}",
  tags,
  One,
  GitHubRepositoryInput.partial(),
  "The repository's mapping",
);

const json = (row: GitHubRepository): z.infer<typeof GitHubRepositoryJson> => ({
  id: row.id,
  repository: row.repository,
  images: row.images,
  defaultEnvironment: row.defaultEnvironment,
  environments: row.environments ?? null,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

/**
 * Which GitHub repositories the app serves, and what their comments deploy. A repository
 * missing here is not served, whatever its `.github/bridgeport.yml` says.
 */
export function gitHubRepositoryRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  return apiRouter()
    .openapi(create, async (c) => {
      const input = definedOnly(c.req.valid("json"));
      const row = await store.githubRepositories.create({ ...input, ...(await storedNames(store, input)) });
      return c.json({ githubRepository: json(row) }, 201);
    })
    .openapi(list, async (c) => {
      const rows = await store.githubRepositories.list();
      return c.json({ githubRepositories: rows.map(json) }, 200);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid("param");
      const row = await store.githubRepositories.get(id);
      if (!row) throw new NotFoundError("GitHub repository", id);
      return c.json({ githubRepository: json(row) }, 200);
    })
    .openapi(patch, async (c) => {
      const { id } = c.req.valid("param");
      if (!(await store.githubRepositories.get(id))) throw new NotFoundError("GitHub repository", id);
      const input = definedOnly(c.req.valid("json"));
      const row = await store.githubRepositories.update(id, {
        ...input,
        ...(await storedNames(store, input)),
      });
      return c.json({ githubRepository: json(row) }, 200);
    })
    .openapi(remove, async (c) => {
      await store.githubRepositories.delete(c.req.valid("param").id);
      return c.body(null, 204);
    });
}

/**
 * The environments a mapping names, spelt as stored; a name with no environment is refused
 * naming the field and the value, since a comment could never deploy there.
 */
async function storedNames(
  store: Store,
  input: { defaultEnvironment?: string; environments?: string[] | null },
): Promise<{ defaultEnvironment?: string; environments?: string[] }> {
  const known = async (field: string, name: string) => {
    const environment = await store.environments.findByName(name);
    if (environment) return environment.name;
    const names = (await store.environments.list()).map((e) => e.name);
    throw badRequest(field, `no environment named "${name}" (environments: ${names.join(", ") || "none"})`);
  };
  const out: { defaultEnvironment?: string; environments?: string[] } = {};
  if (input.defaultEnvironment !== undefined)
    out.defaultEnvironment = await known("defaultEnvironment", input.defaultEnvironment);
  if (input.environments) {
    out.environments = [];
    for (const [i, name] of input.environments.entries())
      out.environments.push(await known(`environments.${i}`, name));
  }
  return out;
}
