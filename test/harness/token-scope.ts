export interface TokenScope {
  type: string;
  name: string;
  actions: string[];
}

/**
 * Parses one `scope` parameter of a token request, `type:name:actions`. The name may itself
 * hold a colon (`repository:host:5000/app:pull`), so the type ends at the first colon and the
 * actions start after the last. Returns null for anything else.
 *
 * @example
 * parseScope("repository:team/app:pull,push"); // { type: "repository", name: "team/app", actions: ["pull", "push"] }
 */
export function parseScope(text: string): TokenScope | null {
  const first = text.indexOf(":");
  const last = text.lastIndexOf(":");
  if (first <= 0 || last <= first + 1) return null;
  const actions = text
    .slice(last + 1)
    .split(",")
    .map((action) => action.trim())
    .filter((action) => action !== "");
  return { type: text.slice(0, first), name: text.slice(first + 1, last), actions };
}

/**
 * All scopes of a token request: `scope` may repeat, and each may hold several space-separated scopes.
 *
 * @example
 * requestedScopes(new URLSearchParams("scope=repository:a:pull&scope=repository:b:push"));
 */
export function requestedScopes(params: URLSearchParams): string[] {
  return params
    .getAll("scope")
    .flatMap((value) => value.split(" "))
    .filter((scope) => scope !== "");
}
