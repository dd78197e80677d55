import { describe, expect, it } from "vitest";
import { ImageReferenceError } from "../registry/reference.js";
import { parseDigestReference } from "./digest-reference.js";

const digest = `sha256:${"ab".repeat(32)}`;

describe("parseDigestReference", () => {
  it.each([
    {
      input: `127.0.0.1:5000/team/app@${digest}`,
      name: "127.0.0.1:5000/team/app",
      registry: "127.0.0.1:5000",
      repository: "team/app",
    },
    { input: `nginx@${digest}`, name: "nginx", registry: "docker.io", repository: "library/nginx" },
    { input: `ghcr.io/o/r@${digest}`, name: "ghcr.io/o/r", registry: "ghcr.io", repository: "o/r" },
  ])("accepts $input", ({ input, ...expected }) => {
    expect(parseDigestReference(input)).toEqual({ reference: input, digest, ...expected });
  });

  it.each([
    "team/app:latest",
    `team/app:v1@${digest}`,
    "team/app@sha256:abc",
    `team/app@sha512:${"a".repeat(128)}`,
    ` team/app@${digest}`,
    `team/app@${digest}\n`,
    `Team/App@${digest}`,
    `team/app@${digest}; touch /tmp/pwned`,
    `$(id)/app@${digest}`,
  ])("refuses %j", (input) => {
    expect(() => parseDigestReference(input)).toThrow(ImageReferenceError);
  });
});
