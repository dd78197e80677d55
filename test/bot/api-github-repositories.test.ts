import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

let lab: BotLab;
const api = (method: string, path: string, body?: unknown) => call(lab, method, path, body);
const mapping = (change: Record<string, unknown> = {}) => ({
  repository: "acme/shop",
  images: ["registry.example.com/shop/api"],
  defaultEnvironment: "staging",
  ...change,
});

beforeAll(async () => {
  lab = await startBotLab();
  for (const name of ["staging", "production"]) await api("POST", "/api/environments", { name });
});
afterAll(async () => {
  await lab?.stop();
});

describe("GitHub repository mappings", () => {
  it.each([
    [{ images: ["$(id)"] }, "images.0:"],
    [{ images: ["registry.example.com/shop/api", "`reboot`"] }, "images.1:"],
    [{ images: ["shop/api; rm -rf /"] }, "images.0:"],
    [{ images: ["registry.example.com/shop/api:v1"] }, 'images.0: a name without a tag: drop ":v1"'],
    [{ defaultEnvironment: "nope" }, 'defaultEnvironment: no environment named "nope"'],
    [{ environments: ["staging", "qa"] }, 'environments.1: no environment named "qa"'],
  ])("refuses %j on create, naming the field and the value, and stores nothing", async (change, error) => {
    const res = await api("POST", "/api/github-repositories", mapping(change));
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.startsWith(error), res.body.error).toBe(true);
    expect((await api("GET", "/api/github-repositories")).body.githubRepositories).toEqual([]);
  });

  it("says which environments exist when one is unknown", async () => {
    const res = await api("POST", "/api/github-repositories", mapping({ defaultEnvironment: "prod" }));
    expect(res.body.error).toBe(
      'defaultEnvironment: no environment named "prod" (environments: production, staging)',
    );
  });

  it("refuses the same on PATCH and keeps the mapping as it was", async () => {
    const created = await api("POST", "/api/github-repositories", mapping({ repository: "acme/patched" }));
    expect(created.status, created.text).toBe(201);
    const path = `/api/github-repositories/${created.body.githubRepository.id}`;
    for (const [change, error] of [
      [{ images: ["$(id)"] }, "images.0:"],
      [{ defaultEnvironment: "nope" }, "defaultEnvironment:"],
      [{ environments: ["qa"] }, "environments.0:"],
    ] as const) {
      const res = await api("PATCH", path, change);
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.startsWith(error), res.body.error).toBe(true);
    }
    expect((await api("GET", path)).body).toEqual(created.body);
    const ok = await api("PATCH", path, { defaultEnvironment: "production", environments: ["production"] });
    expect(ok.body.githubRepository).toMatchObject({
      defaultEnvironment: "production",
      environments: ["production"],
    });
    expect((await api("PATCH", "/api/github-repositories/missing", { images: ["x"] })).status).toBe(404);
  });

  it("takes environment names in any case and keeps them as the environments spell them", async () => {
    const res = await api(
      "POST",
      "/api/github-repositories",
      mapping({
        repository: "acme/cased",
        defaultEnvironment: "STAGING",
        environments: ["Staging", "PRODUCTION"],
      }),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.body.githubRepository).toMatchObject({
      defaultEnvironment: "staging",
      environments: ["staging", "production"],
    });
  });
});
