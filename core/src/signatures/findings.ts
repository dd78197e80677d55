import type { SignatureKind, SignatureStatus } from "../store/index.js";
import type { TrustedKey } from "./trusted-keys.js";

/** What one signature (a `.sig` layer, a bundle) says about a digest. */
export interface Finding {
  status: Exclude<SignatureStatus, "error">;
  kind: SignatureKind | null;
  /** The trusted key it verified with (verified, mismatch). */
  key: TrustedKey | null;
  /** What was wrong, for the reason: names the tag or the other digest. */
  detail: string;
}

// The most telling cause first: a trusted key that signed something else is worth more attention
// than an unknown key, which in turn says more than no signature at all.
const RANK: readonly Finding["status"][] = [
  "verified",
  "mismatch",
  "corrupt",
  "malformed",
  "untrusted",
  "unsigned",
];

/** The finding that decides: a verified one, else the most telling failure; unsigned when there is none. */
export function decisive(findings: readonly Finding[]): Finding {
  const sorted = [...findings].sort((a, b) => RANK.indexOf(a.status) - RANK.indexOf(b.status));
  return (
    sorted[0] ?? {
      status: "unsigned",
      kind: null,
      key: null,
      detail: "the registry has no signature for it (no .sig tag, no Sigstore bundle referrer)",
    }
  );
}

/**
 * The refusal or warning text: "no signature by a trusted key for sha256:...", then the cause.
 *
 * @example
 * reasonOf({ status: "untrusted", kind: "cosign", key: null, detail: "signed only by keys this environment does not trust" }, "sha256:ab...")
 * // => "no signature by a trusted key for sha256:ab...: signed only by keys this environment does not trust"
 */
export function reasonOf(finding: Finding, digest: string): string | null {
  if (finding.status === "verified") return null;
  return `no signature by a trusted key for ${digest}: ${finding.detail}`;
}

/**
 * An ECDSA signature is DER (SEQUENCE of two INTEGERs), an Ed25519 one 64 bytes: anything else is
 * corrupt, whoever signed it. A well-formed one that no trusted key verifies is another key's.
 */
export function wellFormed(signature: Buffer): boolean {
  return signature.length === 64 || isDerEcdsa(signature);
}

function isDerEcdsa(sig: Buffer): boolean {
  if (sig.length < 8 || sig.length > 72 || sig[0] !== 0x30 || sig[1] !== sig.length - 2) return false;
  let at = 2;
  for (let i = 0; i < 2; i++) {
    if (sig[at] !== 0x02) return false;
    const length = sig[at + 1] ?? 0;
    if (length < 1 || length > 33) return false;
    at += 2 + length;
  }
  return at === sig.length;
}

/** Standard base64 (what cosign writes), strictly: Buffer.from would quietly skip bad characters. */
export function strictBase64(text: string): Buffer | null {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  return Buffer.from(text, "base64");
}
