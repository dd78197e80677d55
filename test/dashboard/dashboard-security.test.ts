import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { openLibsqlDatabase } from "@bridgeport/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotLab, startBotLab } from "../bot/bot-lab.js";
import { type Browser, shows, startBrowser } from "./browser.js";

// The dashboard as an attacker and a careful admin would try it, in a real Chromium against the
// real bot: no page without a session, the cookie's flags, forms refused without their CSRF
// token or from another origin, user text rendered as text, sessions that end.
let bot: BotLab;
let browser: Browser;

beforeAll(async () => {
  bot = await startBotLab();
  browser = await startBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await bot?.stop();
});

const newPage = () => browser.context.newPage();

async function signIn(page: Awaited<ReturnType<typeof newPage>>, token = bot.token) {
  await page.goto(`${bot.url}/sign-in`);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

async function environment(name: string): Promise<string> {
  const response = await bot.api("/api/environments", { method: "POST", body: JSON.stringify({ name }) });
  return ((await response.json()) as { environment: { id: string } }).environment.id;
}

async function environmentNames(): Promise<string[]> {
  const body = (await (await bot.api("/api/environments")).json()) as { environments: { name: string }[] };
  return body.environments.map((e) => e.name);
}

describe("without a session", () => {
  it.each([
    "/",
    "/jobs",
    "/deliveries",
    "/environments/abc/images",
    "/images/abc",
    "/plans/abc",
    "/plans/abc/live",
  ])("GET %s goes to the sign-in page, with the way back", async (path) => {
    const response = await fetch(`${bot.url}${path}`, { redirect: "manual" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
  });

  it("a browser is sent to sign in; the token goes into no URL and no page", async () => {
    await browser.context.clearCookies();
    const page = await newPage();
    const seen: string[] = [];
    page.on("request", (request) => seen.push(request.url()));
    const envId = await environment(`redirect-${Date.now()}`);
    await page.goto(`${bot.url}/environments/${envId}/servers`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel("API token").fill(bot.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${bot.url}/environments/${envId}/servers`);
    await shows(page.getByRole("heading", { level: 1 }), "Servers");
    expect(seen.some((url) => url.includes(bot.token))).toBe(false);
    expect(await page.content()).not.toContain(bot.token);
    await page.close();
  });

  it("a form post without a session is sent to sign in and changes nothing", async () => {
    const response = await fetch(`${bot.url}/environments`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: bot.url },
      body: "name=anonymous",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/sign-in");
    expect(await environmentNames()).not.toContain("anonymous");
  });

  it("a wrong token is refused with the reason beside the field", async () => {
    const page = await newPage();
    await page.goto(`${bot.url}/sign-in`);
    await page.getByLabel("API token").fill("bp_not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await shows(page.locator("#f-token-error"), "That is not a valid API token");
    expect(await page.getByLabel("API token").getAttribute("aria-invalid")).toBe("true");
    await page.close();
  });
});

describe("the session cookie", () => {
  it("is HttpOnly, SameSite=Strict, Path=/, not Secure over plain http, and holds no token", async () => {
    await browser.context.clearCookies();
    const page = await newPage();
    await signIn(page);
    const [cookie] = await browser.context.cookies(bot.url);
    expect(cookie).toMatchObject({
      name: "bridgeport_session",
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
    });
    expect(cookie?.secure).toBe(false);
    expect(cookie?.value).not.toContain(bot.token);
    // Script on the page cannot read it.
    expect(await page.evaluate("document.cookie")).toBe("");
    await page.close();
  });

  it.each([
    ["off", "https", false],
    ["on", "https", true],
    ["on", "http", false],
  ] as const)(
    "is Secure behind a proxy only when trusted (TRUST_PROXY=%s, X-Forwarded-Proto: %s): %s",
    async (trust, proto, secure) => {
      const proxied = await startBotLab({ TRUST_PROXY: trust });
      try {
        const origin = trust === "on" ? `${proto}://${new URL(proxied.url).host}` : proxied.url;
        const response = await fetch(`${proxied.url}/sign-in`, {
          method: "POST",
          redirect: "manual",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            origin,
            "x-forwarded-proto": proto,
          },
          body: new URLSearchParams({ token: proxied.token }).toString(),
        });
        expect(response.status).toBe(303);
        const cookie = response.headers.get("set-cookie") ?? "";
        expect(cookie).toMatch(/HttpOnly/);
        expect(cookie).toMatch(/SameSite=Strict/);
        expect(/;\s*Secure/i.test(cookie)).toBe(secure);
      } finally {
        await proxied.stop();
      }
    },
  );
});

describe("forms", () => {
  it("a form posted without its CSRF token is refused", async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${bot.url}/`);
    await page.evaluate(`document.querySelector("#main form input[name=_csrf]").remove()`);
    await page.getByLabel("Name", { exact: true }).fill("no-csrf-token");
    await page.getByRole("button", { name: "Add Environment" }).click();
    await shows(page.locator("main"), "missing its security token");
    await browser.screenshot("refused-csrf", page);
    expect(await environmentNames()).not.toContain("no-csrf-token");
    await page.close();
  });

  it("a form posted from another origin is refused, even carrying the session's CSRF token", async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${bot.url}/`);
    const csrf = await page.locator("#main form input[name=_csrf]").first().getAttribute("value");
    // Another port on the same host: the same site, so SameSite=Strict still sends the cookie.
    const evil = await servePage(
      `<form method="post" action="${bot.url}/environments"><input type="hidden" name="_csrf" value="${csrf}">` +
        `<input type="hidden" name="name" value="from-another-origin"><button>Win a prize</button></form>`,
    );
    try {
      await page.goto(evil.url);
      await page.getByRole("button", { name: "Win a prize" }).click();
      await shows(page.locator("main"), "sent from another site (Sec-Fetch-Site: same-site)");
      expect(await environmentNames()).not.toContain("from-another-origin");
    } finally {
      await evil.close();
    }
    await page.close();
  });

  it("user text renders as text: a registry name and a tag filter problem that look like HTML", async () => {
    const page = await newPage();
    const alerts: string[] = [];
    page.on("dialog", async (dialog) => {
      alerts.push(dialog.message());
      await dialog.dismiss();
    });
    await signIn(page);
    const envId = await environment(`escape-${Date.now()}`);
    const html = "<img src=x onerror=alert(1)>";
    await page.goto(`${bot.url}/environments/${envId}/registries`);
    await page.getByLabel("Name", { exact: true }).fill(html);
    await page.getByLabel("Type").selectOption("public");
    await page.getByLabel("Registry URL").fill("https://registry.example.com");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("link", { name: html }).waitFor();

    await page.goto(`${bot.url}/environments/${envId}/images`);
    await page.getByLabel("Name", { exact: true }).fill(html);
    await page.getByLabel("Image name").fill("registry.example.com/team/app");
    await page.getByLabel("Tag filter").fill(html);
    await page.getByRole("button", { name: "Create Image" }).click();
    // The API's refusal quotes the pattern; it shows beside the field, as text.
    await shows(page.locator("#f-tagFilter-error"), `pattern "${html}"`);
    await browser.screenshot("escaped-text", page);
    expect(await page.getByLabel("Tag filter").inputValue()).toBe(html);
    expect(await page.locator("img").count()).toBe(0);
    expect(alerts).toEqual([]);
    await page.close();
  });
});

describe("roles", () => {
  it("a read token's session offers no deploy, and a forged deploy gets the API's refusal", async () => {
    const { store } = bot.bot.deps;
    const env = await store.environments.create({ name: `roles-${Date.now()}` });
    const image = await store.images.create({
      environmentId: env.id,
      name: "web",
      imageName: "registry.example.com/web",
    });
    await store.digests.upsertMany(image.id, [
      {
        manifestDigest: `sha256:${"a".repeat(64)}`,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        tags: ["v1.0.0"],
        pushedAt: new Date(),
        pushedAtSource: "first_seen",
      },
    ]);
    const [digest] = await store.digests.listForImage(image.id);
    const made = await bot.api("/api/tokens", {
      method: "POST",
      body: JSON.stringify({ name: "viewer", role: "read" }),
    });
    const { value } = (await made.json()) as { value: string };
    await browser.context.clearCookies();
    const page = await newPage();
    await signIn(page, value);
    await page.goto(`${bot.url}/images/${image.id}`);
    await shows(page.getByRole("table", { name: /Digests/ }), "v1.0.0");
    expect(await page.getByRole("link", { name: /^Deploy v/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Check for updates" }).count()).toBe(0);

    // The confirmation page itself is readable; its Deploy is the API's to refuse.
    await page.goto(`${bot.url}/images/${image.id}/deploy?digest=${digest?.id}`);
    await page.getByRole("button", { name: "Deploy v1.0.0" }).click();
    await shows(page.locator("main"), "needs a token with the deploy role; this one has read");
    expect((await store.plans.list({ environmentId: env.id })).length).toBe(0);
    await page.close();
  });
});

describe("sessions end", () => {
  it("signing out ends the session: its cookie opens nothing afterwards", async () => {
    await browser.context.clearCookies();
    const page = await newPage();
    await signIn(page);
    const [cookie] = await browser.context.cookies(bot.url);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in$/);
    const replayed = await fetch(`${bot.url}/`, {
      redirect: "manual",
      headers: { cookie: `bridgeport_session=${cookie?.value}` },
    });
    expect(replayed.status).toBe(303);
    await page.close();
  });

  it("revoking the API token signs its sessions out", async () => {
    await browser.context.clearCookies();
    const made = await bot.api("/api/tokens", {
      method: "POST",
      body: JSON.stringify({ name: "pat", role: "read" }),
    });
    const { token, value } = (await made.json()) as { token: { id: string }; value: string };
    const page = await newPage();
    await signIn(page, value);
    await shows(page.locator(".who"), "Signed in as pat (read)");
    await bot.api(`/api/tokens/${token.id}`, { method: "DELETE" });
    await page.reload();
    await page.waitForURL(/\/sign-in\?next=/);
    await page.close();
  });

  it("a session idle for longer than the idle time is over", async () => {
    await browser.context.clearCookies();
    const page = await newPage();
    await signIn(page);
    const database = await openLibsqlDatabase({ url: `file:${join(bot.dataDir, "bridgeport.db")}` });
    try {
      await database.client.execute({
        sql: "UPDATE dashboard_sessions SET last_seen_at = ?",
        args: [Date.now() - 9 * 3_600_000],
      });
    } finally {
      await database.close();
    }
    await page.reload();
    await page.waitForURL(/\/sign-in\?next=/);
    await page.close();
  });
});

/** A page on another origin of this host (another port): what a hostile site would serve. */
async function servePage(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(`<!doctype html><html><body><main>${html}</main></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // The browser keeps its connection open; close would wait for it.
        server.closeAllConnections();
      }),
  };
}
