/** A short, secret-free reason for a failed connection, for "Connection test failed: <reason>". */
export function describeNetworkError(error: unknown, target: string, timeoutMs: number): string {
  const code = (error as { code?: unknown })?.code;
  switch (code) {
    case "ECONNREFUSED":
      return `connection refused by ${target}`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host ${target} not found`;
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return `connection to ${target} was closed before a response`;
    case "UND_ERR_CONNECT_TIMEOUT":
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
    case "ABORT_ERR":
      return `${target} did not answer within ${Math.round(timeoutMs / 1000)} s`;
    case "CERT_HAS_EXPIRED":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `TLS certificate of ${target} is not trusted (${code})`;
    default:
      return `cannot reach ${target}${typeof code === "string" ? ` (${code})` : ""}`;
  }
}
