import { createPublicKey, verify, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { libtrustKeyId } from "./jwt.js";
import { startTokenIssuer, type TokenIssuer } from "./token-issuer.js";

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

function decode(token: string) {
  const [header, claims, signature] = token.split(".");
  const json = (part: string | undefined) => JSON.parse(Buffer.from(part ?? "", "base64url").toString());
  return {
    header: json(header),
    claims: json(claims),
    signingInput: `${header}.${claims}`,
    signature: signature ?? "",
  };
}

describe("token issuer", () => {
  let issuer: TokenIssuer;
  const ask = async (query: string, authorization?: string) => {
    const response = await request(
      `${issuer.realm}?${query}`,
      authorization ? { headers: { authorization } } : {},
    );
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    issuer = await startTokenIssuer({
      users: [{ username: "alice", password: "s3cret" }],
      expiresInSeconds: 90,
      grant: ({ scope }) => scope.actions.filter((action) => action !== "delete"),
    });
  });
  afterAll(async () => {
    await issuer.stop();
  });
  beforeEach(() => issuer.clearRequests());

  it("signs an RS256 JWT the registry can verify: libtrust kid, claims, one access entry per scope", async () => {
    const scopes =
      "scope=repository:team/app:pull,push&scope=registry:catalog:*&scope=repository:host:5000/x:pull";
    const { status, body } = await ask(`service=${issuer.service}&${scopes}`, basic("alice", "s3cret"));
    expect(status).toBe(200);
    expect(body).toMatchObject({ access_token: body.token, expires_in: 90, issued_at: expect.any(String) });

    const { header, claims, signingInput, signature } = decode(String(body.token));
    const certificate = new X509Certificate(await readFile(issuer.certPath));
    const publicKey = createPublicKey(certificate.publicKey.export({ type: "spki", format: "pem" }));
    expect(header).toEqual({ typ: "JWT", alg: "RS256", kid: libtrustKeyId(publicKey) });
    expect(header.kid).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
    expect(verify("sha256", Buffer.from(signingInput), publicKey, Buffer.from(signature, "base64url"))).toBe(
      true,
    );
    expect(claims).toMatchObject({ iss: issuer.issuer, sub: "alice", aud: issuer.service });
    expect(claims.exp - claims.iat).toBe(90);
    expect(claims.access).toEqual([
      { type: "repository", name: "team/app", actions: ["pull", "push"] },
      { type: "registry", name: "catalog", actions: ["*"] },
      { type: "repository", name: "host:5000/x", actions: ["pull"] },
    ]);
  });

  it.each([
    ["the right password", basic("alice", "s3cret"), 200, "alice"],
    ["a wrong password", basic("alice", "nope"), 401, null],
    ["an unknown user", basic("mallory", "s3cret"), 401, null],
    ["a malformed header", "Basic !!!", 401, null],
    ["no credentials", undefined, 200, null],
  ])("%s gets %i and is recorded", async (_case, authorization, status, user) => {
    const answer = await ask("scope=repository:team/app:pull", authorization);
    expect(answer.status).toBe(status);
    expect(issuer.requests).toEqual([
      { scope: ["repository:team/app:pull"], user, at: expect.any(Number), status },
    ]);
  });

  it("grants through the grant option, dropping scopes left with no actions", async () => {
    const { body } = await ask(
      "scope=repository:a:delete&scope=repository:b:pull,delete",
      basic("alice", "s3cret"),
    );
    expect(decode(String(body.token)).claims.access).toEqual([
      { type: "repository", name: "b", actions: ["pull"] },
    ]);
  });
});
