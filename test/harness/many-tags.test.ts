import { request } from "undici";
import { describe, expect, inject, it } from "vitest";
import { createPushClient, manifestAccept, pushManyTags, startFaultProxy } from "./index.js";

const { basic } = inject("registries");
const target = { url: basic.url, username: basic.username, password: basic.password };
const authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString("base64")}`;
const repo = "many/tags";

async function listTags(url: string): Promise<{ tags: string[]; link: string | null }> {
  const response = await request(url, { headers: { authorization } });
  expect(response.statusCode).toBe(200);
  const body = (await response.body.json()) as { tags: string[] };
  const link = response.headers.link;
  return { tags: body.tags, link: typeof link === "string" ? link : null };
}

describe("many tags", () => {
  it("pushes 1,500 distinct tags quickly and lists them page by page", async () => {
    const started = performance.now();
    const pushed = await pushManyTags(target, repo, 1_500, { concurrency: 16 });
    const seconds = (performance.now() - started) / 1_000;
    expect(seconds).toBeLessThan(30);
    expect(new Set(pushed.map((image) => image.digest)).size).toBe(1_500);

    // Registry 2.8 ignores n and last on tags/list: one unsorted page with everything.
    const direct = await listTags(`${basic.url}/v2/${repo}/tags/list?n=100`);
    expect([direct.tags.length, direct.link]).toEqual([1_500, null]);

    const proxy = await startFaultProxy(basic.url, { paginateTags: true });
    try {
      const seen: string[] = [];
      let next: string | null = `/v2/${repo}/tags/list?n=100`;
      let pages = 0;
      for (; next !== null && pages < 100; pages++) {
        const page = await listTags(new URL(next, proxy.url).toString());
        seen.push(...page.tags);
        next = /^<([^>]+)>;\s*rel="next"$/.exec(page.link ?? "")?.[1] ?? null;
      }
      expect(pages).toBe(15);
      expect(seen).toEqual(pushed.map((image) => image.tag));

      const client = createPushClient({ ...target, url: proxy.url });
      for (const image of [pushed[0], pushed[777], pushed[1_499]]) {
        const head = await client.request({
          method: "HEAD",
          repo,
          path: `/v2/${repo}/manifests/${image?.tag}`,
          headers: { accept: manifestAccept },
        });
        await head.body.dump();
        expect(head.headers["docker-content-digest"]).toBe(image?.digest);
      }
    } finally {
      await proxy.stop();
    }
  });
});
