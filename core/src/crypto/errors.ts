/**
 * A secret could not be encrypted or decrypted, or the master key is missing or unusable.
 * Messages name variables, files and key ids, never a key or a plaintext.
 */
export class CryptoError extends Error {
  override readonly name = "CryptoError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
