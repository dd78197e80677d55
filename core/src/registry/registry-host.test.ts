import { describe, expect, it } from "vitest";
import type { RegistryType } from "./credentials.js";
import { sameRegistryHost } from "./reference.js";
import { distributionUrlOf, servedRegistryHost, servesImage } from "./registry-host.js";

describe("sameRegistryHost", () => {
  it.each([
    ["docker.io", "docker.io", true],
    ["docker.io", "index.docker.io", true],
    ["registry-1.docker.io", "docker.io", true],
    ["Index.Docker.IO", "registry-1.docker.io", true],
    ["Registry.Example.com", "registry.example.com", true],
    ["registry.example.com:5000", "registry.example.com", false],
    ["ghcr.io", "docker.io", false],
    ["hub.docker.com.evil.example", "docker.io", false],
    ["127.0.0.1:5000", "localhost:5000", false],
  ])("%s ~ %s -> %s", (a, b, same) => {
    expect(sameRegistryHost(a, b)).toBe(same);
    expect(sameRegistryHost(b, a)).toBe(same);
  });
});

const endpoint = (type: RegistryType, registryUrl: string) => ({ type, registryUrl });

describe("servedRegistryHost", () => {
  it.each([
    [endpoint("dockerhub", "https://hub.docker.com"), "docker.io", "https://registry-1.docker.io"],
    [endpoint("dockerhub", "https://index.docker.io/v1/"), "docker.io", "https://registry-1.docker.io"],
    [
      endpoint("digitalocean", "https://api.digitalocean.com/v2/registry"),
      "registry.digitalocean.com",
      "https://registry.digitalocean.com",
    ],
    [endpoint("generic", "http://127.0.0.1:5001"), "127.0.0.1:5001", "http://127.0.0.1:5001/"],
    [endpoint("ghcr", "https://ghcr.io"), "ghcr.io", "https://ghcr.io/"],
    [
      endpoint("generic", "registry.example.com:5000"),
      "registry.example.com:5000",
      "https://registry.example.com:5000/",
    ],
  ])("%j serves %s at %s", (conn, host, url) => {
    expect(servedRegistryHost(conn)).toBe(host);
    expect(distributionUrlOf(conn)).toBe(url);
  });
});

describe("servesImage", () => {
  const hub = endpoint("dockerhub", "https://hub.docker.com");
  it.each([
    [hub, "myapp-backend", true],
    [hub, "library/nginx", true],
    [hub, "index.docker.io/team/app", true],
    [hub, "ghcr.io/someone-else/myapp-web", false],
    [endpoint("generic", "http://127.0.0.1:5001"), "127.0.0.1:5001/demo/web", true],
    [endpoint("generic", "http://127.0.0.1:5001"), "127.0.0.1:5002/demo/web", false],
    [endpoint("generic", "http://127.0.0.1:5001"), "demo/web", false],
    [hub, "Not A Name", false],
  ])("%j serves %s: %s", (conn, imageName, served) => {
    expect(servesImage(conn, imageName)).toBe(served);
  });
});
