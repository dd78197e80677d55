/** One error code from an OCI Distribution error body (`{"errors":[{"code","message"}]}`). */
export interface OciErrorCode {
  code: string;
  message: string;
}

/**
 * A registry request that did not succeed. `status` is the HTTP status (0 when no response
 * arrived); `temporary` says whether trying again later may succeed (429, 5xx, network).
 * The message never contains credentials: URLs are reduced to host and path.
 */
export class RegistryError extends Error {
  override readonly name = "RegistryError";
  readonly status: number;
  readonly codes: readonly OciErrorCode[];
  readonly temporary: boolean;

  constructor(
    message: string,
    options: { status: number; codes?: readonly OciErrorCode[]; temporary?: boolean; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.codes = options.codes ?? [];
    this.temporary = options.temporary ?? isTemporaryStatus(options.status);
  }

  /** The seed's wording for a failed API call: "Registry API error: 401". */
  static fromStatus(status: number, codes: readonly OciErrorCode[], where: string): RegistryError {
    const detail = codes.length > 0 ? ` (${codes.map((c) => c.code).join(", ")})` : "";
    return new RegistryError(`Registry API error: ${status}${detail} on ${where}`, { status, codes });
  }
}

export function isTemporaryStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** Parses an OCI error body; anything else gives no codes. */
export function parseOciErrors(body: string): OciErrorCode[] {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    if (!Array.isArray(parsed.errors)) return [];
    return parsed.errors.flatMap((e: unknown) => {
      if (typeof e !== "object" || e === null) return [];
      const { code, message } = e as { code?: unknown; message?: unknown };
      return typeof code === "string" ? [{ code, message: typeof message === "string" ? message : "" }] : [];
    });
  } catch {
    return [];
  }
}
