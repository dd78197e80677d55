import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitUntil } from "@bridgeport/test/harness";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";

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

/**
 * Waits until `locator` (its first match) shows `text`, and returns it: what a person waits for
 * on screen. Fails after `timeoutMs` with what was awaited.
 */
export async function shows(locator: Locator, text: string | RegExp, timeoutMs = 15_000): Promise<Locator> {
  const match = locator.filter({ hasText: text }).first();
  await match.waitFor({ state: "visible", timeout: timeoutMs });
  return match;
}

/** Waits until `locator` matches exactly `n` elements. */
export async function countOf(locator: Locator, n: number, timeoutMs = 15_000): Promise<void> {
  await waitUntil(async () => ((await locator.count()) === n ? true : undefined), {
    what: `${n} element(s) matching ${locator}`,
    timeoutMs,
  });
}

/** The name of the element that has the keyboard focus: its aria-label, else its text. */
export const focusedName = (page: Page) =>
  // A string: the test's tsconfig has no DOM types.
  page.evaluate(
    "document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? null",
  ) as Promise<string | null>;
