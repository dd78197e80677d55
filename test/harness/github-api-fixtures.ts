import { readFileSync } from "node:fs";

// Response bodies start from the documented examples of GitHub's OpenAPI description (copied into
// fixtures/github-api/ by its extract.mjs) and only the fields a request determines are filled in,
// so clients parse the same shapes github.com sends.

type Json = Record<string, unknown>;

const fixtureNames = [
  "installation-token",
  "full-repository",
  "collaborator-permission",
  "pull-request",
  "content-file",
  "reaction",
  "issue-comment",
  "deployment",
  "deployment-status",
] as const;
type FixtureName = (typeof fixtureNames)[number];

const fixtures = new Map<FixtureName, string>(
  fixtureNames.map((name) => [
    name,
    readFileSync(new URL(`./fixtures/github-api/${name}.json`, import.meta.url), "utf8"),
  ]),
);

/** A fresh copy of one documented example with `fields` laid over its top level. */
export function example(name: FixtureName, fields: Json): Json {
  const text = fixtures.get(name);
  if (text === undefined) throw new Error(`no GitHub API fixture named ${name}`);
  return { ...(JSON.parse(text) as Json), ...fields };
}

/** A user object as GitHub embeds it (`user`, `creator`, `owner`). */
export function userJson(login: string, apiUrl: string): Json {
  const bot = login.endsWith("[bot]");
  return {
    login,
    id: idFor(login),
    node_id: `U_${login}`,
    type: bot ? "Bot" : "User",
    site_admin: false,
    url: `${apiUrl}/users/${encodeURIComponent(login)}`,
    html_url: `https://github.com/${login}`,
  };
}

/** A stable numeric id for a login, so the same user keeps one id across responses. */
function idFor(login: string): number {
  let hash = 7;
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_007;
  return hash;
}

/**
 * The legacy `permission` field folds the newer roles: maintain reads as write and triage as
 * read; `role_name` keeps the role itself.
 */
export function legacyPermission(role: string): string {
  if (role === "maintain") return "write";
  if (role === "triage") return "read";
  return role;
}

export function notFound(): Json {
  return {
    message: "Not Found",
    documentation_url: "https://docs.github.com/rest",
    status: "404",
  };
}
