import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Context } from "hono";

/** The dashboard's client files: one stylesheet and one plain ES module, no build step. */
const FILES = {
  "dashboard.js": "text/javascript; charset=utf-8",
  "dashboard.css": "text/css; charset=utf-8",
} as const;
export type AssetName = keyof typeof FILES;

interface Asset {
  path: string;
  type: string;
  etag: string;
  body: Buffer;
  gzipped: Buffer;
}

const assets = new Map<string, Asset>();
const byName = new Map<AssetName, Asset>();
for (const [name, type] of Object.entries(FILES) as [AssetName, string][]) {
  const body = readFileSync(new URL(`./assets/${name}`, import.meta.url));
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  const [base, ext] = name.split(".");
  const asset = {
    path: `/assets/${base}.${hash}.${ext}`,
    type,
    etag: `"${hash}"`,
    body,
    gzipped: gzipSync(body),
  };
  assets.set(asset.path, asset);
  byName.set(name, asset);
}

/** The long-cache URL of a client file: its name carries its content hash. */
export function assetPath(name: AssetName): string {
  return byName.get(name)?.path ?? `/assets/${name}`;
}

/** What the dashboard ships to a browser, gzipped, in bytes (the benchmark reports it). */
export function shippedClientBytes(): { js: number; css: number } {
  return {
    js: byName.get("dashboard.js")?.gzipped.length ?? 0,
    css: byName.get("dashboard.css")?.gzipped.length ?? 0,
  };
}

/** Serves a client file: cached for a year (a new version has a new name), gzipped when accepted. */
export function serveAsset(c: Context): Response {
  const asset = assets.get(c.req.path);
  if (!asset) return c.text("No such file", 404);
  const headers: Record<string, string> = {
    "content-type": asset.type,
    "cache-control": "public, max-age=31536000, immutable",
    etag: asset.etag,
    vary: "accept-encoding",
  };
  if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304, headers);
  const gzip = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
  if (gzip) headers["content-encoding"] = "gzip";
  return c.body(new Uint8Array(gzip ? asset.gzipped : asset.body), 200, headers);
}
