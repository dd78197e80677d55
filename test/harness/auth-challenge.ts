export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Reads a `WWW-Authenticate` header such as `Bearer realm="https://auth",service="reg",
 * scope="repository:app:pull,push"` (quoted values may hold commas). One challenge only,
 * which is all a distribution registry sends.
 *
 * @example
 * parseAuthChallenge('Basic realm="reg"'); // { scheme: "basic", params: { realm: "reg" } }
 */
export function parseAuthChallenge(header: string): AuthChallenge | null {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!match?.[1]) return null;
  const params: Record<string, string> = {};
  for (const param of (match[2] ?? "").matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    const [, name, quoted, bare] = param;
    if (name) params[name.toLowerCase()] = quoted?.replaceAll(/\\(.)/g, "$1") ?? bare ?? "";
  }
  return { scheme: match[1].toLowerCase(), params };
}
