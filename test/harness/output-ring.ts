/**
 * Keeps the last `limitBytes` of a child's stdout and stderr, interleaved in arrival order,
 * so a failure can show what the child said without holding everything it ever printed.
 */
export class OutputRing {
  readonly #limitBytes: number;
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  #droppedBytes = 0;

  constructor(limitBytes = 64 * 1024) {
    this.#limitBytes = limitBytes;
  }

  push(chunk: Buffer): void {
    // A single chunk larger than the limit keeps only its tail.
    const kept = chunk.length > this.#limitBytes ? chunk.subarray(chunk.length - this.#limitBytes) : chunk;
    this.#droppedBytes += chunk.length - kept.length;
    this.#chunks.push(kept);
    this.#bytes += kept.length;
    while (this.#bytes > this.#limitBytes) {
      const oldest = this.#chunks.shift();
      if (oldest === undefined) break;
      this.#bytes -= oldest.length;
      this.#droppedBytes += oldest.length;
    }
  }

  text(): string {
    const body = Buffer.concat(this.#chunks).toString("utf8");
    return this.#droppedBytes > 0 ? `[${this.#droppedBytes} earlier bytes dropped]\n${body}` : body;
  }
}
