/** Collects stdout up to a limit; reports overflow instead of growing without bound. */
export class BoundedOutput {
  readonly #chunks: Buffer[] = [];
  readonly #limit: number;
  #bytes = 0;
  overflowed = false;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Returns false once the limit is passed; the caller then stops the command. */
  push(chunk: Buffer): boolean {
    if (this.overflowed) return false;
    this.#bytes += chunk.length;
    if (this.#bytes > this.#limit) {
      this.overflowed = true;
      this.#chunks.length = 0;
      return false;
    }
    this.#chunks.push(chunk);
    return true;
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString("utf8");
  }
}

/** Keeps the last `limit` bytes of a stream. */
export class TailOutput {
  #buffer = Buffer.alloc(0);
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  push(chunk: Buffer): void {
    const joined = Buffer.concat([this.#buffer, chunk]);
    this.#buffer = joined.length > this.#limit ? joined.subarray(joined.length - this.#limit) : joined;
  }

  text(): string {
    return this.#buffer.toString("utf8");
  }
}
