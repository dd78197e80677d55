import { checkSignature, loadPlanDetail, type SignatureWarning } from "@bridgeport/core";
import {
  cosignTag,
  generateSigningKey,
  pushCosignSignature,
  pushOciIndex,
  pushSigstoreBundle,
  retag,
} from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";
import { containerIds, repositoryOf, trustKey } from "./signature-lab.js";

// Signed and unsigned digests deployed for real: a registry holding cosign signatures and
// Sigstore bundles the harness signed as cosign does, two servers (sshd + dockerd).
const { basic } = inject("registries");
const ci = generateSigningKey();
const stranger = generateSigningKey();
let lab: DeployLab;
let repo: string;

beforeAll(async () => {
  lab = await startDeployLab(basic);
  repo = repositoryOf(lab.image.imageName);
  await trustKey(lab.ctx.store, lab.image.environmentId, "ci", ci);
});
afterAll(async () => {
  await lab?.stop();
});

const store = () => lab.ctx.store;
const setPolicy = (policy: "warn" | "enforce") =>
  store().images.update(lab.image.id, { signaturePolicy: policy });
const detailOf = async (planId: string) => {
  const detail = await loadPlanDetail(store(), planId);
  if (!detail) throw new Error(`no plan ${planId}`);
  return detail;
};

describe("signature policy on real deploys", () => {
  it("warn: an unsigned digest deploys, and the plan, its result, history and the warning hook say it was unsigned", async () => {
    await setPolicy("warn");
    const warnings: SignatureWarning[] = [];
    const planId = await lab.deploy("v2");
    await lab.execute(planId, { onSignatureWarning: (w) => warnings.push(w) });
    const { result } = await detailOf(planId);
    expect(result.status).toBe("success");
    for (const i of [0, 1]) expect((await lab.running(i)).digest).toBe(lab.versions.v2.digest);
    const reason = `no signature by a trusted key for ${lab.versions.v2.digest}: the registry has no signature for it`;
    expect(result.signature).toMatchObject({ policy: "warn", status: "unsigned" });
    expect(result.signature?.reason).toContain(reason);
    expect(result.warnings).toEqual([expect.stringContaining(reason)]);
    expect(warnings).toEqual([expect.objectContaining({ planId, digest: lab.versions.v2.digest })]);
    const [entry] = await store().history.listForImage(lab.image.id);
    expect(entry).toMatchObject({
      planId,
      status: "success",
      signature: { policy: "warn", status: "unsigned" },
    });
  });

  const v1 = () => lab.versions.v1.digest;
  const cases: [string, () => Promise<unknown>, string][] = [
    ["unsigned", async () => undefined, "the registry has no signature for it"],
    [
      "signed by a key the environment does not trust",
      () => pushCosignSignature(basic, repo, v1(), { key: stranger }),
      "is signed only by keys this environment does not trust",
    ],
    [
      "signed by the trusted key, but for another digest",
      () => pushCosignSignature(basic, repo, v1(), { key: ci, payloadDigest: lab.versions.bad.digest }),
      'the signature by key "ci" is for sha256:',
    ],
    [
      "signed with a corrupt signature",
      () =>
        pushCosignSignature(basic, repo, v1(), {
          key: ci,
          signatureText: Buffer.from("garbage").toString("base64"),
        }),
      "is corrupt",
    ],
    [
      "with a .sig tag pointing to garbage (an image)",
      () => retag(basic, repo, cosignTag(v1()), lab.versions.bad.digest),
      "is not a cosign signature",
    ],
  ];
  it.each(cases)(
    "enforce: a digest %s is refused with its own reason, before any server is touched",
    async (_, prepare, cause) => {
      await setPolicy("enforce");
      await prepare();
      const before = await containerIds(lab);
      const planId = await lab.deploy("v1");
      await lab.execute(planId);
      const { result, steps } = await detailOf(planId);
      const reason = `no signature by a trusted key for ${v1()}: `;
      expect(result.status).toBe("failed");
      expect(result.error).toContain(reason);
      expect(result.error).toContain(cause);
      expect(result.warnings).toEqual([]);
      expect(steps.map((s) => s.status)).toEqual(["skipped", "skipped"]);
      expect(await containerIds(lab)).toEqual(before);
      const [entry] = await store().history.listForImage(lab.image.id);
      expect(entry).toMatchObject({ planId, status: "failed", signature: { policy: "enforce" } });
      expect(entry?.signature?.reason).toContain(cause);
    },
  );

  it("enforce: a digest signed by the trusted key (cosign .sig) deploys", async () => {
    await pushCosignSignature(basic, repo, v1(), { key: ci });
    const planId = await lab.deploy("v1");
    await lab.execute(planId);
    const { result } = await detailOf(planId);
    expect(result.status).toBe("success");
    expect(result.signature).toMatchObject({
      status: "verified",
      keyName: "ci",
      kind: "cosign",
      reason: null,
    });
    for (const i of [0, 1]) expect((await lab.running(i)).digest).toBe(v1());
  });

  it("enforce: a digest signed with a Sigstore bundle attached as a referrer (tag-schema fallback) deploys", async () => {
    const attached = await pushSigstoreBundle(basic, repo, lab.versions.v2, { key: ci });
    expect(attached.fallbackTag).toBe(lab.versions.v2.digest.replace(":", "-"));
    const planId = await lab.deploy("v2");
    await lab.execute(planId);
    const { result } = await detailOf(planId);
    expect(result.status).toBe("success");
    expect(result.signature).toMatchObject({ status: "verified", keyName: "ci", kind: "bundle" });
  });

  it("key rotation: with two trusted keys both sign; once one is removed, its digests are refused", async () => {
    const next = generateSigningKey("ed25519");
    const second = await trustKey(store(), lab.image.environmentId, "next", next);
    const bad = lab.versions.bad.digest;
    await pushCosignSignature(basic, repo, bad, { key: next });
    const image = (await store().images.get(lab.image.id)) ?? lab.image;
    const check = (digest: string) => checkSignature(lab.ctx, image, digest, "enforce");
    expect(await check(v1())).toMatchObject({ status: "verified", keyName: "ci" });
    expect(await check(bad)).toMatchObject({ status: "verified", keyName: "next" });

    const first = (await store().signingKeys.list(lab.image.environmentId)).find((k) => k.name === "ci");
    await store().signingKeys.remove(first?.id ?? "", "tests");
    expect(await check(v1())).toMatchObject({ status: "untrusted" });
    expect(await check(bad)).toMatchObject({ status: "verified", keyName: "next" });
    const before = await containerIds(lab);
    const planId = await lab.deploy("v1");
    await lab.execute(planId);
    expect((await detailOf(planId)).result).toMatchObject({
      status: "failed",
      signature: { status: "untrusted" },
    });
    expect(await containerIds(lab)).toEqual(before);
    const events = await store().signingKeys.events(lab.image.environmentId);
    expect(events.map((e) => `${e.action} ${e.keyName}`)).toEqual(["removed ci", "added next", "added ci"]);
    await store().signingKeys.remove(second.id, "tests");
    await trustKey(store(), lab.image.environmentId, "ci", ci);
  });

  it("a multi-platform index: the index digest is what is verified, not a platform's", async () => {
    const index = await pushOciIndex(basic, repo, "multi", ["linux/amd64", "linux/arm64/v8"]);
    const image = (await store().images.get(lab.image.id)) ?? lab.image;
    const child = index.children[0]?.digest ?? "";
    await pushCosignSignature(basic, repo, child, { key: ci });
    expect(await checkSignature(lab.ctx, image, index.digest, "enforce")).toMatchObject({
      status: "unsigned",
    });
    await pushCosignSignature(basic, repo, index.digest, { key: ci });
    expect(await checkSignature(lab.ctx, image, index.digest, "enforce")).toMatchObject({
      status: "verified",
    });
  });
});
