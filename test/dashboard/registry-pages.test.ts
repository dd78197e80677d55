import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type BotLab, startBotLab } from "../bot/bot-lab.js";
import { type Browser, shows, startBrowser } from "./browser.js";

// A registry connection's life in the dashboard, in Chromium against the real bot and the
// harness's htpasswd registry: refusals beside their fields, rotation, an older version made
// active again, and a delete refused with the seed's sentence while an image uses it.
const { basic } = inject("registries");
let bot: BotLab;
let browser: Browser;
let envId: string;

beforeAll(async () => {
  bot = await startBotLab();
  browser = await startBrowser();
  const made = await bot.api("/api/environments", {
    method: "POST",
    body: JSON.stringify({ name: "registries" }),
  });
  envId = ((await made.json()) as { environment: { id: string } }).environment.id;
  const { page } = browser;
  await page.goto(`${bot.url}/sign-in`);
  await page.getByLabel("API token").fill(bot.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await bot?.stop();
});

describe("the registry pages", () => {
  it("show each API refusal beside the field it names, keeping what was typed but secrets", async () => {
    const { page } = browser;
    await page.goto(`${bot.url}/environments/${envId}/registries`);
    await page.getByLabel("Name", { exact: true }).fill("broken");
    await page.getByLabel("Registry URL").fill("https://registry.example.com;$(id)");
    await page.getByLabel("Password", { exact: true }).fill("typed-secret");
    await page.getByLabel("Refresh interval (minutes)").fill("2");
    await page.getByRole("button", { name: "Save" }).click();
    await shows(page.locator("#f-registryUrl-error"), "an http:// or https:// URL");
    await shows(page.locator("#f-refreshIntervalMinutes-error"), /5/);
    expect(await page.getByLabel("Registry URL").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Registry URL").inputValue()).toBe("https://registry.example.com;$(id)");
    expect(await page.getByLabel("Password", { exact: true }).inputValue()).toBe("");
    expect(await page.content()).not.toContain("typed-secret");
    await browser.screenshot("registry-field-errors");
  });

  it("rotates credentials, lists the versions, and makes an older one active again", async () => {
    const { page } = browser;
    const name = `lab-${randomUUID().slice(0, 6)}`;
    await page.goto(`${bot.url}/environments/${envId}/registries`);
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Registry URL").fill(basic.url);
    await page.getByLabel("Username").fill(basic.username);
    await page.getByLabel("Password", { exact: true }).fill(basic.password);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("link", { name }).click();

    await page.getByRole("button", { name: "Test Connection" }).click();
    await shows(page.locator("#registry-notice"), "Connection OK");
    const rotate = page.getByRole("region", { name: "Rotate credentials" });
    await rotate.getByLabel("Password", { exact: true }).fill("a-wrong-new-password");
    await rotate.getByRole("button", { name: "Save as new version" }).click();
    const versions = page.getByRole("table", { name: /Credential versions/ });
    await shows(versions.getByRole("row").nth(2), "✓ active");
    await page.getByRole("button", { name: "Test Connection" }).click();
    await shows(page.locator("#registry-notice"), "Registry API error: 401");

    await page.getByRole("button", { name: "Activate version 1" }).click();
    await shows(versions.getByRole("row").nth(1), "✓ active");
    await page.getByRole("button", { name: "Test Connection" }).click();
    await shows(page.locator("#registry-notice"), "Connection OK");
    await browser.screenshot("registry");
  });

  it("refuses to delete a registry an image uses, in the seed's words, and deletes it once free", async () => {
    const { page } = browser;
    const name = `used-${randomUUID().slice(0, 6)}`;
    await page.goto(`${bot.url}/environments/${envId}/registries`);
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Registry URL").fill(basic.url);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("link", { name }).click();
    const registryId = page.url().split("/").pop() ?? "";
    const image = await bot.api(`/api/environments/${envId}/container-images`, {
      method: "POST",
      body: JSON.stringify({
        name: "app",
        imageName: `${basic.host}/team/app`,
        registryConnectionId: registryId,
      }),
    });
    const imageId = ((await image.json()) as { image: { id: string } }).image.id;

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete registry" }).click();
    await shows(
      page.locator("#registry-notice"),
      "Cannot delete registry connection with 1 container image(s) attached",
    );

    await bot.api(`/api/container-images/${imageId}`, { method: "DELETE" });
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete registry" }).click();
    await page.waitForURL(`${bot.url}/environments/${envId}/registries`);
    expect(await page.getByRole("link", { name }).count()).toBe(0);
  });
});
