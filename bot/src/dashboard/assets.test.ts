import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { assetPath, serveAsset, shippedClientBytes } from "./assets.js";

const app = new Hono().get("/assets/:file", serveAsset);

describe("client files", () => {
  it("ship under 50 KB gzipped", () => {
    const { js, css } = shippedClientBytes();
    expect(js).toBeGreaterThan(0);
    expect(js).toBeLessThan(50 * 1024);
    expect(css).toBeLessThan(50 * 1024);
  });

  it("are served under a content-hashed name, cached for a year, gzipped when accepted", async () => {
    const path = assetPath("dashboard.js");
    expect(path).toMatch(/^\/assets\/dashboard\.[0-9a-f]{12}\.js$/);
    const plain = await app.request(path);
    expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(plain.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(await plain.text()).toContain("EventSource");
    const gzipped = await app.request(path, { headers: { "accept-encoding": "gzip, br" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    const etag = plain.headers.get("etag") ?? "";
    expect((await app.request(path, { headers: { "if-none-match": etag } })).status).toBe(304);
  });

  it("an old or unknown name is a 404", async () => {
    expect((await app.request("/assets/dashboard.000000000000.js")).status).toBe(404);
  });
});
