import { describe, expect, it } from "vitest";
import { CREDENTIAL_VERSION_ANNOTATION, pullSecret, pullSecretName } from "./pull-secret.js";

describe("pullSecret", () => {
  it("is a dockerconfigjson Secret for the login server, annotated with the credential version", () => {
    const login = { server: "registry.example.com:5000", username: "ci", password: "s3cret" };
    const secret = pullSecret("team-a", { registryId: "01jreg", credentialVersion: 3, login });
    expect(secret).toMatchObject({
      type: "kubernetes.io/dockerconfigjson",
      metadata: {
        name: "bridgeport-01jreg",
        namespace: "team-a",
        annotations: { [CREDENTIAL_VERSION_ANNOTATION]: "3", "bridgeport.dev/registry-id": "01jreg" },
      },
    });
    const config = JSON.parse(Buffer.from(secret.data?.[".dockerconfigjson"] ?? "", "base64").toString());
    expect(config).toEqual({
      auths: {
        "registry.example.com:5000": {
          username: "ci",
          password: "s3cret",
          auth: Buffer.from("ci:s3cret").toString("base64"),
        },
      },
    });
  });

  it("keys Docker Hub's credentials the way the kubelet looks them up", () => {
    const secret = pullSecret("team-a", {
      registryId: "hub",
      credentialVersion: 1,
      login: { server: null, username: "u", password: "p" },
    });
    const config = JSON.parse(Buffer.from(secret.data?.[".dockerconfigjson"] ?? "", "base64").toString());
    expect(Object.keys(config.auths)).toEqual(["https://index.docker.io/v1/"]);
    expect(pullSecretName("hub")).toBe("bridgeport-hub");
  });
});
