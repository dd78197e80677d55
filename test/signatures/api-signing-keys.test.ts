import { randomUUID } from "node:crypto";
import { generateSigningKey, pushCosignSignature, pushOciImage } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { call, type Json } from "../bot/api-helpers.js";
import { type BotLab, startBotLab } from "../bot/bot-lab.js";

// The REST API of the signature policy on the bot in-process, against the shared real registry.
const { basic } = inject("registries");
let lab: BotLab;
let envId: string;
beforeAll(async () => {
  lab = await startBotLab();
  envId = (await call(lab, "POST", "/api/environments", { name: `sign-${randomUUID().slice(0, 8)}` })).body
    .environment.id;
});
afterAll(async () => {
  await lab?.stop();
});

const ci = generateSigningKey();

describe("signing keys API", () => {
  it("adds, lists and removes trusted keys, recording who did each in the audit trail", async () => {
    const added = await call(lab, "POST", `/api/environments/${envId}/signing-keys`, {
      name: "ci",
      publicKey: ci.publicKeyPem,
    });
    expect(added.status).toBe(201);
    expect(added.body.key).toMatchObject({
      name: "ci",
      algorithm: "ecdsa-p256",
      createdBy: "admin",
      environmentId: envId,
    });
    expect(added.body.key.fingerprint).toMatch(/^[a-f0-9]{64}$/);
    const edge = generateSigningKey("ed25519");
    const second = await call(lab, "POST", `/api/environments/${envId}/signing-keys`, {
      name: "edge",
      publicKey: edge.publicKeyPem,
    });
    expect(second.body.key.algorithm).toBe("ed25519");

    expect((await call(lab, "DELETE", `/api/signing-keys/${second.body.key.id}`)).status).toBe(204);
    const listed = await call(lab, "GET", `/api/environments/${envId}/signing-keys`);
    expect(listed.body.keys.map((k: Json) => k.name)).toEqual(["ci"]);
    expect(listed.body.events.map((e: Json) => `${e.action} ${e.keyName} by ${e.actor}`)).toEqual([
      "removed edge by admin",
      "added edge by admin",
      "added ci by admin",
    ]);
  });

  it.each([
    [
      { name: "k", publicKey: ci.privateKey.export({ type: "pkcs8", format: "pem" }).toString() },
      400,
      "publicKey: must be one PEM public key",
    ],
    [
      { name: "again", publicKey: ci.publicKeyPem },
      409,
      "already trusts a key with this name or this public key",
    ],
    [{ name: "k" }, 400, "publicKey"],
  ])("refuses %j with %i naming the problem", async (body, status, error) => {
    const answer = await call(lab, "POST", `/api/environments/${envId}/signing-keys`, body);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toContain(error);
  });

  it("only admin tokens change keys: a deploy token is refused", async () => {
    const token = (await call(lab, "POST", "/api/tokens", { name: "ci-deploy", role: "deploy" })).body.value;
    const res = await fetch(`${lab.url}/api/environments/${envId}/signing-keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "sneaky", publicKey: generateSigningKey().publicKeyPem }),
    });
    expect(res.status).toBe(403);
  });

  it("the policy is set on environments and images; an unknown policy is a 400 naming the field", async () => {
    const env = await call(lab, "PATCH", `/api/environments/${envId}`, { signaturePolicy: "enforce" });
    expect(env.body.environment.signaturePolicy).toBe("enforce");
    const bad = await call(lab, "PATCH", `/api/environments/${envId}`, { signaturePolicy: "strict" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("signaturePolicy");
  });

  it("the digest list shows which digests are signed and by which key; enforce withholds an unsigned update", async () => {
    const repo = `sign-api/app-${randomUUID().slice(0, 8)}`;
    const registry = (
      await call(lab, "POST", `/api/environments/${envId}/registries`, {
        name: `reg-${randomUUID().slice(0, 6)}`,
        type: "generic",
        registryUrl: basic.url,
        username: basic.username,
        password: basic.password,
      })
    ).body.registry;
    const created = await call(lab, "POST", `/api/environments/${envId}/container-images`, {
      name: "app",
      imageName: `${basic.host}/${repo}`,
      tagFilter: "v*.*.*",
      registryConnectionId: registry.id,
      signaturePolicy: null,
    });
    expect(created.body.image.signaturePolicy).toBeNull();
    const imageId = created.body.image.id;
    const v1 = await pushOciImage(basic, repo, "v1.0.0");
    const v2 = await pushOciImage(basic, repo, "v2.0.0");
    await pushCosignSignature(basic, repo, v2.digest, { key: ci });
    await call(lab, "POST", `/api/container-images/${imageId}/check-updates`);
    const { store } = lab.bot.deps;
    const v1Row = await store.digests.findByManifestDigest(imageId, v1.digest);
    await store.images.update(imageId, { deployedDigestId: v1Row?.id ?? null });

    const signed = await call(lab, "POST", `/api/container-images/${imageId}/check-updates`);
    expect(signed.body).toMatchObject({ hasUpdate: true, latestTag: "v2.0.0" });
    const digests = (await call(lab, "GET", `/api/container-images/${imageId}/digests`)).body
      .digests as Json[];
    const byDigest = new Map(digests.map((d) => [d.manifestDigest, d.signature]));
    expect(byDigest.get(v2.digest)).toMatchObject({
      status: "verified",
      keyName: "ci",
      kind: "cosign",
      reason: null,
    });
    expect(byDigest.get(v1.digest)).toBeNull();

    const v3 = await pushOciImage(basic, repo, "v3.0.0");
    const withheld = await call(lab, "POST", `/api/container-images/${imageId}/check-updates`);
    expect(withheld.body).toMatchObject({ hasUpdate: false, latestTag: null });
    expect(withheld.body.reason).toBe(
      `withheld: no signature by a trusted key for ${v3.digest}: the registry has no signature for it (no .sig tag, no Sigstore bundle referrer)`,
    );
    expect(withheld.body.image).toMatchObject({ updateAvailable: false, updateReason: withheld.body.reason });
    const after = (await call(lab, "GET", `/api/container-images/${imageId}/digests`)).body.digests as Json[];
    expect(after.find((d) => d.manifestDigest === v3.digest)?.signature).toMatchObject({
      status: "unsigned",
    });
  });
});
