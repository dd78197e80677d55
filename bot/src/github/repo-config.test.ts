import type { GitHubRepository } from "@bridgeport/core";
import { describe, expect, it } from "vitest";
import { effectiveConfig, parseRepoFile } from "./repo-config.js";

const stored: GitHubRepository = {
  id: "r1",
  repository: "acme/shop",
  images: ["registry.example.com/shop/api", "registry.example.com/shop/worker"],
  defaultEnvironment: "staging",
  environments: ["staging", "production"],
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

describe("effectiveConfig", () => {
  it.each([
    [
      "no file",
      null,
      { images: stored.images, defaultEnvironment: "staging", environments: stored.environments },
    ],
    [
      "a narrower image and another default",
      { image: "registry.example.com/shop/api", environment: "production" },
      {
        images: ["registry.example.com/shop/api"],
        defaultEnvironment: "production",
        environments: stored.environments,
      },
    ],
    [
      "fewer environments",
      { environments: ["staging"] },
      { images: stored.images, defaultEnvironment: "staging", environments: ["staging"] },
    ],
  ])("%s", (_name, file, expected) => {
    expect(effectiveConfig(stored, file)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [
      { image: "docker.io/evil/miner" },
      'image: "docker.io/evil/miner" is not configured for this repository',
    ],
    [{ images: ["registry.example.com/shop/api", "x/y"] }, 'images: "x/y" is not configured'],
    [{ environments: ["staging", "eu"] }, 'environments: "eu" is not allowed for this repository'],
    [{ environment: "qa" }, 'environment: "qa" is not among the allowed environments'],
    [{ environments: ["production"] }, 'defaultEnvironment: "staging" is not among the allowed environments'],
  ])("%j is refused: %s", (file, problem) => {
    const result = effectiveConfig(stored, file);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.problem).toContain(problem);
  });
});

describe("parseRepoFile", () => {
  it.each([
    ["", { ok: true, value: {} }],
    ["image: a/b\nenvironment: staging\n", { ok: true, value: { image: "a/b", environment: "staging" } }],
  ])("%j", (text, expected) => {
    expect(parseRepoFile(text)).toEqual(expected);
  });

  it.each([
    ["environment: prod;reboot", "environment: must be an environment name"],
    ["environments: []", "environments: must list at least one environment"],
    ["imagez: a/b", "(file)"],
    ["image: [unclosed", "not valid YAML"],
  ])("%j names the problem", (text, problem) => {
    const result = parseRepoFile(text);
    expect(result.ok ? "" : result.problem).toContain(problem);
  });
});
