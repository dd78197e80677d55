export type TarEntry =
  | { type: "dir"; name: string; mode?: number }
  | { type: "file"; name: string; mode?: number; content: Uint8Array }
  | { type: "symlink"; name: string; target: string };

const block = 512;
// A fixed mtime keeps layers, and so digests, identical from run to run.
const mtime = Date.UTC(2026, 0, 1) / 1000;

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) throw new Error(`tar: "${value}" is longer than ${length} bytes`);
  bytes.copy(header, offset);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  writeString(header, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

function headerFor(entry: TarEntry, size: number): Buffer {
  const header = Buffer.alloc(block);
  const name = entry.type === "dir" && !entry.name.endsWith("/") ? `${entry.name}/` : entry.name;
  const defaultMode = entry.type === "file" ? 0o644 : entry.type === "dir" ? 0o755 : 0o777;
  writeString(header, 0, 100, name);
  writeOctal(header, 100, 8, entry.type === "symlink" ? defaultMode : (entry.mode ?? defaultMode));
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, size);
  writeOctal(header, 136, 12, mtime);
  header.fill(" ", 148, 156);
  writeString(header, 156, 1, entry.type === "file" ? "0" : entry.type === "dir" ? "5" : "2");
  if (entry.type === "symlink") writeString(header, 157, 100, entry.target);
  writeString(header, 257, 6, "ustar\0");
  writeString(header, 263, 2, "00");
  writeString(header, 265, 32, "root");
  writeString(header, 297, 32, "root");
  let checksum = 0;
  for (const byte of header) checksum += byte;
  writeString(header, 148, 8, `${checksum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

/**
 * A ustar archive of `entries` (names relative, at most 100 bytes), owned by root with a fixed
 * mtime, so the same entries always give the same bytes.
 *
 * @example
 * makeTar([{ type: "dir", name: "www" }, { type: "file", name: "www/index.html", content }]);
 */
export function makeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.type === "file" ? entry.content : new Uint8Array(0);
    parts.push(headerFor(entry, content.length), Buffer.from(content));
    const padding = (block - (content.length % block)) % block;
    if (padding > 0) parts.push(Buffer.alloc(padding));
  }
  parts.push(Buffer.alloc(block * 2));
  return Buffer.concat(parts);
}
