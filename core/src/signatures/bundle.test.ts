import { describe, expect, it } from "vitest";
import { verifyBundle } from "./bundle.js";
import { testKey } from "./test-keys.js";

const DIGEST = `sha256:${"c".repeat(64)}`;
const OTHER = `sha256:${"d".repeat(64)}`;
const ci = testKey("ci");
const edge = testKey("edge", "ed25519");
const stranger = testKey("stranger");

/** DSSE's pre-authentication encoding: what the envelope's signature covers. */
const pae = (type: string, body: Buffer) =>
  Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);

/** A v0.3 bundle as cosign 3 attaches one, written here by hand from the bundle and DSSE specs. */
function bundleFor(subject: string, sign: (data: Buffer) => Buffer, extra: object = {}) {
  const statement = Buffer.from(
    JSON.stringify({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ digest: { sha256: subject.slice("sha256:".length) } }],
      predicateType: "https://sigstore.dev/cosign/sign/v1",
      predicate: {},
    }),
  );
  const type = "application/vnd.in-toto+json";
  return {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: { publicKey: { hint: "anything" }, ...extra },
    dsseEnvelope: {
      payload: statement.toString("base64"),
      payloadType: type,
      signatures: [{ sig: sign(pae(type, statement)).toString("base64") }],
    },
  };
}

const judge = (json: unknown) => {
  const f = verifyBundle(json, DIGEST, [ci.trusted, edge.trusted], "bundle referrer sha256:1234");
  return { status: f.status, key: f.key?.name ?? null, detail: f.detail };
};

describe("verifyBundle: Sigstore bundles, offline against stored keys", () => {
  it.each([
    ["ECDSA P-256", ci, "ci"],
    ["Ed25519", edge, "edge"],
  ])("verifies a DSSE statement naming the digest, signed by a trusted %s key", (_, key, name) => {
    expect(judge(bundleFor(DIGEST, key.sign))).toMatchObject({ status: "verified", key: name });
  });

  it("verifies a bundle that carries a transparency log entry it cannot check offline", () => {
    const tlog = {
      tlogEntries: [
        {
          logIndex: "1",
          logId: { keyId: Buffer.from("log").toString("base64") },
          kindVersion: { kind: "dsse", version: "0.0.1" },
          integratedTime: "1700000000",
          canonicalizedBody: Buffer.from("{}").toString("base64"),
          inclusionProof: {
            logIndex: "1",
            rootHash: Buffer.alloc(32).toString("base64"),
            treeSize: "2",
            hashes: [Buffer.alloc(32).toString("base64")],
            checkpoint: { envelope: "rekor.sigstore.dev - 1\n2\nAAAA\n" },
          },
        },
      ],
    };
    expect(judge(bundleFor(DIGEST, ci.sign, tlog))).toMatchObject({ status: "verified", key: "ci" });
  });

  it.each([
    [
      "another key",
      bundleFor(DIGEST, stranger.sign),
      "untrusted",
      "signed only by keys this environment does not trust",
    ],
    [
      "a trusted key, for another digest",
      bundleFor(OTHER, ci.sign),
      "mismatch",
      `is for ${OTHER}, another digest`,
    ],
    ["garbage as the signature", bundleFor(DIGEST, () => Buffer.from("garbage!")), "corrupt", "is corrupt"],
    ["something that is no bundle", { hello: "world" }, "malformed", "is not a Sigstore bundle"],
  ])("refuses %s", (_, json, status, detail) => {
    const got = judge(json);
    expect(got.status).toBe(status);
    expect(got.detail).toContain(detail);
  });

  it("a swapped digest in a signed statement breaks the signature", () => {
    const bundle = bundleFor(OTHER, ci.sign);
    const swapped = Buffer.from(bundle.dsseEnvelope.payload, "base64")
      .toString()
      .replace("d".repeat(64), "c".repeat(64));
    bundle.dsseEnvelope.payload = Buffer.from(swapped).toString("base64");
    expect(judge(bundle).status).toBe("untrusted");
  });
});
