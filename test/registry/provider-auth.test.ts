import {
  connectRegistry,
  createRegistryDeps,
  type RegistryConnectionInfo,
  testConnection,
} from "@bridgeport/core";
import { afterEach, describe, expect, it } from "vitest";
import { basicOf, type FakeProvider, type ProviderScript, startFakeProvider } from "./fake-provider.js";

// Hosted registries that have no local twin, checked at the HTTP boundary with the challenge
// headers and token responses their documentation shows.
let fake: FakeProvider | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

interface Case {
  type: RegistryConnectionInfo["type"];
  secrets: RegistryConnectionInfo["secrets"];
  script: ProviderScript;
  expectTokenQuery: Record<string, string>;
}

const cases: Record<string, Case> = {
  "Docker Hub": {
    type: "dockerhub",
    secrets: { username: "myuser", password: "dckr_pat_example" },
    script: {
      challenge:
        'Bearer realm="{origin}/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      tokenPath: "/token",
      accepts: (a) => a === basicOf("myuser", "dckr_pat_example"),
      tokenResponse: () => ({ access_token: "x", expires_in: 300, issued_at: "2026-11-23T10:00:00Z" }),
    },
    expectTokenQuery: { service: "registry.docker.io", scope: "repository:library/nginx:pull" },
  },
  "GHCR (anonymous token for a public image)": {
    type: "ghcr",
    secrets: {},
    script: {
      challenge: 'Bearer realm="{origin}/token",service="ghcr.io",scope="repository:user/image:pull"',
      tokenPath: "/token",
      accepts: (a) => a === null,
      tokenResponse: () => ({}),
    },
    expectTokenQuery: { service: "ghcr.io", scope: "repository:library/nginx:pull" },
  },
  "GHCR (personal access token)": {
    type: "ghcr",
    secrets: { username: "octocat", token: "ghp_example" },
    script: {
      challenge: 'Bearer realm="{origin}/token",service="ghcr.io",scope="repository:user/image:pull"',
      tokenPath: "/token",
      accepts: (a) => a === basicOf("octocat", "ghp_example"),
      tokenResponse: () => ({}),
    },
    expectTokenQuery: { service: "ghcr.io" },
  },
  DigitalOcean: {
    type: "digitalocean",
    secrets: { token: "dop_v1_example" },
    script: {
      challenge: 'Bearer realm="{origin}/v2/registry/auth",service="registry.digitalocean.com"',
      tokenPath: "/v2/registry/auth",
      accepts: (a) => a === basicOf("dop_v1_example", "dop_v1_example"),
      tokenResponse: () => ({ access_token: "x", expires_in: 300, issued_at: "2026-11-23T10:00:00Z" }),
    },
    expectTokenQuery: { service: "registry.digitalocean.com" },
  },
  "GCR (_json_key)": {
    type: "gcr",
    secrets: { serviceAccountKey: '{"type":"service_account","project_id":"p"}' },
    script: {
      challenge: 'Bearer realm="{origin}/v2/token",service="gcr.io"',
      tokenPath: "/v2/token",
      accepts: (a) => a === basicOf("_json_key", '{"type":"service_account","project_id":"p"}'),
      tokenResponse: () => ({ expires_in: 43200, issued_at: "2026-11-23T10:00:00Z" }),
    },
    expectTokenQuery: { service: "gcr.io" },
  },
  "GAR (_json_key)": {
    type: "gar",
    secrets: { serviceAccountKey: '{"type":"service_account"}' },
    script: {
      challenge: 'Bearer realm="{origin}/v2/token",service="us-docker.pkg.dev"',
      tokenPath: "/v2/token",
      accepts: (a) => a === basicOf("_json_key", '{"type":"service_account"}'),
      tokenResponse: () => ({ expires_in: 3600 }),
    },
    expectTokenQuery: { service: "us-docker.pkg.dev" },
  },
  ACR: {
    type: "acr",
    secrets: { username: "myregistry", password: "acr-password" },
    script: {
      challenge: 'Bearer realm="{origin}/oauth2/token",service="myregistry.azurecr.io"',
      tokenPath: "/oauth2/token",
      accepts: (a) => a === basicOf("myregistry", "acr-password"),
      tokenResponse: () => ({ access_token: "x" }),
    },
    expectTokenQuery: { service: "myregistry.azurecr.io" },
  },
  Quay: {
    type: "quay",
    secrets: { username: "org+robot", token: "robot-token" },
    script: {
      challenge: 'Bearer realm="{origin}/v2/auth",service="quay.io"',
      tokenPath: "/v2/auth",
      accepts: (a) => a === basicOf("org+robot", "robot-token"),
      tokenResponse: () => ({}),
    },
    expectTokenQuery: { service: "quay.io" },
  },
};

describe("provider auth flows at the HTTP boundary", () => {
  it.each(Object.entries(cases))(
    "%s: follows the challenge, sends the right credentials, caches the token",
    async (_, c) => {
      fake = await startFakeProvider(c.script);
      const deps = createRegistryDeps({ maxAttempts: 1 });
      const conn = { type: c.type, registryUrl: fake.origin, secrets: c.secrets, identity: "r1@v1" };
      const { client } = connectRegistry(conn, deps);
      expect(await client.listTags("library/nginx")).toEqual(["v1"]);
      expect(await client.listTags("library/nginx")).toEqual(["v1"]);

      const tokenRequests = fake.requests.filter((r) => r.path.startsWith(c.script.tokenPath ?? "/none"));
      expect(tokenRequests).toHaveLength(1);
      const query = new URL(tokenRequests[0]?.path ?? "", fake.origin).searchParams;
      for (const [key, value] of Object.entries(c.expectTokenQuery)) expect(query.get(key)).toBe(value);
      expect(query.get("scope")).toBe("repository:library/nginx:pull");
      // Once the challenge is known, later requests carry the token up front: no second 401.
      expect(fake.requests.filter((r) => r.path.includes("/tags/list"))).toHaveLength(3);
      expect(await testConnection(conn, deps)).toEqual({ ok: true });
    },
  );

  it.each(Object.entries(cases).filter(([, c]) => Object.keys(c.secrets).length > 0))(
    "%s: wrong credentials give Registry API error: 401",
    async (_, c) => {
      fake = await startFakeProvider(c.script);
      const deps = createRegistryDeps({ maxAttempts: 1 });
      const secrets = Object.fromEntries(
        Object.entries(c.secrets).map(([k, v]) => [k, k === "username" ? v : `${v}-wrong`]),
      );
      const conn = { type: c.type, registryUrl: fake.origin, secrets, identity: "r1@v2" };
      const result = await testConnection(conn, deps);
      expect(result.ok).toBe(false);
      expect(result.ok ? "" : result.error).toMatch(/^Connection test failed: Registry API error: 401/);
      expect(JSON.stringify(result)).not.toContain("wrong");
    },
  );
});

describe("ECR", () => {
  it("signs GetAuthorizationToken with SigV4, logs in with the token, and caches it until expiry", async () => {
    const password = "ecr-short-lived-password";
    let authCalls = 0;
    fake = await startFakeProvider({
      challenge: 'Basic realm="{origin}/",service="ecr.amazonaws.com"',
      accepts: (a) => a === basicOf("AWS", password),
      extra: (req) => {
        if (req.headers["x-amz-target"] !== "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken")
          return null;
        authCalls++;
        return {
          status: 200,
          body: {
            authorizationData: [
              {
                authorizationToken: Buffer.from(`AWS:${password}`).toString("base64"),
                expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
                proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
              },
            ],
          },
        };
      },
    });
    const deps = createRegistryDeps({ maxAttempts: 1, endpoints: { ecr: `${fake.origin}/` } });
    const conn = {
      type: "ecr" as const,
      registryUrl: fake.origin,
      secrets: {
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region: "eu-west-1",
      },
      identity: "ecr@v1",
    };
    const { client } = connectRegistry(conn, deps);
    expect(await client.listTags("team/app")).toEqual(["v1"]);
    expect(await client.listTags("team/app")).toEqual(["v1"]);
    expect(authCalls).toBe(1);
    const call = fake.requests.find((r) => r.headers["x-amz-target"]);
    expect(call?.method).toBe("POST");
    expect(call?.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(call?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ecr\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[a-f0-9]{64}$/,
    );
    expect(JSON.stringify(fake.requests)).not.toContain("wJalrXUtnFEMI");
  });
});

describe("Docker Hub politeness", () => {
  it("HEADs before GET and stops manifest downloads before the pull budget hits zero", async () => {
    let remaining = 8;
    fake = await startFakeProvider({
      challenge: 'Bearer realm="{origin}/token",service="registry.docker.io"',
      tokenPath: "/token",
      accepts: () => true,
      tokenResponse: () => ({ expires_in: 300 }),
      registryHeaders: () => ({
        "ratelimit-limit": "100;w=21600",
        "ratelimit-remaining": `${remaining};w=21600`,
      }),
    });
    const deps = createRegistryDeps({ maxAttempts: 1, rateLimitReserve: 5 });
    const { client, provider } = connectRegistry(
      { type: "dockerhub", registryUrl: fake.origin, secrets: {}, identity: "hub" },
      deps,
    );
    expect(provider.headBeforeGet).toBe(true);
    await client.getManifest("library/nginx", "v1");
    remaining = 5;
    await client.headManifest("library/nginx", "v1");
    await expect(client.getManifest("library/nginx", "v1")).rejects.toThrow(/pull budget nearly spent/);
    // HEADs do not count against the budget and still work.
    expect(await client.headManifest("library/nginx", "v1")).not.toBeNull();
  });
});
