import { describe, expect, it } from "vitest";
import { registryAuthHeader } from "./docker-pull.js";

// Go's base64.URLEncoding, as the engine decodes X-Registry-Auth: URL alphabet, padded.
const goUrlDecode = (value: string) => {
  expect(value).toMatch(/^[A-Za-z0-9_-]*={0,2}$/);
  expect(value.length % 4).toBe(0);
  return JSON.parse(Buffer.from(value.replaceAll("-", "+").replaceAll("_", "/"), "base64").toString("utf8"));
};

describe("registryAuthHeader", () => {
  it.each([
    { server: "r.example.com:5000", username: "ci", password: "p", address: "r.example.com:5000" },
    { server: null, username: "hub-user", password: "tok>>??~~", address: "https://index.docker.io/v1/" },
    {
      server: "registry.digitalocean.com",
      username: "x",
      password: "xy",
      address: "registry.digitalocean.com",
    },
  ])(
    "encodes $username for $address in the padded URL-safe form",
    ({ server, username, password, address }) => {
      expect(goUrlDecode(registryAuthHeader({ server, username, password }))).toEqual({
        username,
        password,
        serveraddress: address,
      });
    },
  );
});
