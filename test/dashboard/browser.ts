import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/**
 * Debian's Chromium, headless, with a new empty profile. Without the background-networking
 * flags it would try to reach Google's services, which this machine's closed network refuses.
 */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Under the repository (gitignored), whatever the working directory. */
export const SCREENSHOTS = fileURLToPath(new URL("../../.tmp/screenshots/", import.meta.url));

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Saves the page under .tmp/screenshots/<name>.png (a reviewer looks at them). */
  screenshot(name: string, page?: Page): Promise<string>;
  close(): Promise<void>;
}

export async function startBrowser(options: { javaScript?: boolean } = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "bridgeport-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScript ?? true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    async screenshot(name, on = page) {
      const path = join(SCREENSHOTS, `${name}.png`);
      await on.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
