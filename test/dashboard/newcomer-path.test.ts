import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, countOf, focusedName, shows, startBrowser } from "./browser.js";
import { type DashboardLab, startDashboardLab } from "./dashboard-lab.js";

// The newcomer's path through the dashboard, clicks and typing only, in a real Chromium against
// the real bot, a real registry and a real Docker engine: sign in, add a registry (a wrong
// password is caught by Test Connection before saving), an image, a server and a service,
// deploy a digest and watch the plan go live to success, see history; then an unhealthy digest
// ends rolled back on screen.
const { basic } = inject("registries");
let lab: DashboardLab;
let browser: Browser;
let planUrl = "";
let imageUrl = "";

beforeAll(async () => {
  lab = await startDashboardLab(basic);
  browser = await startBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await lab?.stop();
});

describe("the newcomer path", () => {
  it("signs in, sets everything up, deploys, watches the plan, and sees an unhealthy digest rolled back", async () => {
    const { page } = browser;
    const environment = `staging-${randomUUID().slice(0, 6)}`;

    await page.goto(`${lab.bot.url}/`);
    await page.waitForURL(/\/sign-in\?next=%2F$/);
    await browser.screenshot("sign-in");
    await page.getByLabel("API token").fill(lab.bot.token);
    await page.getByRole("button", { name: "Sign in" }).click();

    await page.getByText("No environments yet: add one below").first().waitFor();
    await page.getByLabel("Name", { exact: true }).fill(environment);
    await page.getByRole("button", { name: "Add Environment" }).click();

    // Registries: a wrong password shows the registry's 401 before anything is saved.
    await page.getByRole("heading", { name: "Registries", level: 1 }).first().waitFor();
    await page.getByLabel("Name", { exact: true }).fill("local");
    await page.getByLabel("Registry URL").fill(basic.url);
    await page.getByLabel("Username").fill(basic.username);
    await page.getByLabel("Password", { exact: true }).fill("not-the-password");
    await page.getByRole("button", { name: "Test Connection" }).click();
    const verdict = page.locator("#registry-test");
    await shows(verdict, "Connection test failed: Registry API error: 401");
    await browser.screenshot("registry-test-401");
    await page.getByText("No registries yet: add one below").first().waitFor();
    await page.getByLabel("Password", { exact: true }).fill(basic.password);
    await page.getByRole("button", { name: "Test Connection" }).click();
    await shows(verdict, "Connection OK");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("link", { name: "local" }).first().waitFor();
    await browser.screenshot("registries");

    // Container image, then its digests from the registry.
    await page.getByRole("link", { name: "Container Images" }).click();
    await page.getByText("No container images yet").first().waitFor();
    await page.getByLabel("Name", { exact: true }).fill("web");
    await page.getByLabel("Image name").fill(lab.imageName);
    await page.getByLabel("Tag filter").fill("v*.*.*");
    await page.getByLabel("Registry connection").selectOption({ label: "local" });
    await page.getByRole("button", { name: "Create Image" }).click();
    await page.getByRole("heading", { name: "web", level: 1 }).first().waitFor();
    await page.getByRole("button", { name: "Check for updates" }).click();
    await shows(page.locator("#image-notice"), "2 new digest(s)");

    // A server: this lab's Docker engine through its socket.
    await page.getByRole("link", { name: "Servers" }).click();
    await page.getByLabel("Name", { exact: true }).fill("local");
    await page.getByLabel("Connection").selectOption("socket");
    await page.getByLabel("Docker socket path").fill(lab.dockerd.socketPath);
    await page.getByRole("button", { name: "Add Server" }).click();
    await page.getByRole("button", { name: "Test connection" }).click();
    await shows(page.locator("#server-notice"), "Connection OK: Docker");
    await browser.screenshot("server");

    // A service for the container started by hand, health-checked by its image's HEALTHCHECK.
    await page.getByRole("link", { name: "Services" }).click();
    await page.getByLabel("Name", { exact: true }).fill("web");
    await page.getByLabel("Container name").fill(lab.containerName);
    await page.getByLabel("Health check kind").selectOption("docker");
    await page.getByLabel("Attempts").fill("20");
    await page.getByLabel("Interval (ms)").fill("500");
    await page.getByRole("button", { name: "Add Service" }).click();
    await page.getByRole("heading", { name: "Service web" }).first().waitFor();
    await browser.screenshot("service");

    // Pick v1.1.0 on the image page: the dialog names the service and server it changes. It
    // takes the focus, Escape gives it back to the Deploy button, and the keyboard confirms.
    await page.getByRole("link", { name: "web", exact: true }).first().click();
    await page.getByRole("link", { name: "Deploy v1.1.0" }).click();
    const dialog = page.getByRole("dialog");
    await shows(dialog, "web on server local");
    expect(await focusedName(page)).toBe("Deploy v1.1.0");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await focusedName(page)).toBe("Deploy v1.1.0");
    await page.keyboard.press("Enter");
    await shows(dialog, "web on server local");
    await browser.screenshot("deploy-dialog");
    await page.keyboard.press("Enter");

    // The plan page follows the plan live to success.
    await page.waitForURL(/\/plans\//);
    await shows(page.locator("#plan-summary .status").first(), /success/, 60_000);
    await page.locator("#plan-events li").first().first().waitFor();
    await shows(page.locator(".live-state"), "The plan has finished.");
    await countOf(page.locator("#plan-timeline svg rect"), 1);
    await shows(page.locator("#plan-timeline svg"), "success");
    await browser.screenshot("plan-success");
    planUrl = page.url();
    expect(await lab.runningDigest()).toBe(lab.versions.v2.digest);

    // History on the image page.
    await page.locator("#plan-summary").getByRole("link", { name: lab.imageName }).click();
    const history = page.getByRole("table", { name: /Deployment history/ });
    await shows(history.getByRole("row").nth(1), "v1.1.0");
    await shows(history.getByRole("row").nth(1), "success");
    await browser.screenshot("image");
    imageUrl = page.url();

    // An unhealthy digest: deployed, its health check fails, and the service goes back.
    await lab.pushBad("v1.2.0");
    await page.getByRole("button", { name: "Check for updates" }).click();
    await shows(page.locator("#image-notice"), "Update available: v1.2.0");
    await page.getByRole("link", { name: "Deploy v1.2.0" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Deploy v1.2.0" }).click();
    await shows(page.locator("#plan-summary .status").first(), /rolled back/, 90_000);
    await shows(page.locator("#plan-summary"), "Rollback:");
    await shows(page.locator("#plan-steps"), "unhealthy");
    await browser.screenshot("plan-rolled-back");
    await shows(page.locator("#plan-timeline svg"), /failed|rolled back/);
    expect(await lab.runningDigest()).toBe(lab.versions.v2.digest);
    await page.locator("#plan-summary").getByRole("link", { name: lab.imageName }).click();
    await shows(
      page
        .getByRole("table", { name: /Deployment history/ })
        .getByRole("row")
        .nth(1),
      "rolled back",
    );
    await browser.screenshot("image-after-rollback");

    // The server's own actions: discover its containers, prune the images nothing uses.
    await page.getByRole("link", { name: "Servers" }).click();
    await page.getByRole("table", { name: "Servers" }).getByRole("link", { name: "local" }).click();
    await page.getByRole("button", { name: "Discover containers" }).click();
    await shows(page.locator("#server-notice"), "Discovered the server's containers.");
    await shows(page.locator("#server-notice"), "Services created: none");
    await page.getByLabel("Prune mode").selectOption("dangling");
    page.once("dialog", (question) => void question.accept());
    await page.getByRole("button", { name: "Prune images" }).click();
    await shows(page.locator("#server-notice"), /Pruned \(dangling\): reclaimed \S+ \(\d+ bytes\)/);
  }, 240_000);

  it("reads the image and plan pages with JavaScript off", async () => {
    const noScript = await startBrowser({ javaScript: false });
    try {
      await noScript.context.addCookies(await browser.context.cookies(lab.bot.url));
      await noScript.page.goto(imageUrl);
      await shows(noScript.page.getByRole("table", { name: /Digests/ }), "v1.1.0");
      await shows(noScript.page.getByRole("table", { name: /Deployment history/ }), "rolled back");
      // Without the dialog script, Deploy opens the confirmation as a page.
      await noScript.page.getByRole("link", { name: "Deploy v1.0.0" }).click();
      await shows(noScript.page.locator("main"), "web on server local");
      await noScript.page.goto(planUrl);
      await shows(noScript.page.locator("#plan-summary"), "success");
      await shows(noScript.page.locator("#plan-steps"), "healthy");
      await noScript.screenshot("plan-no-script");
    } finally {
      await noScript.close();
    }
  });
});
