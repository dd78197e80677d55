import { ConflictError, type DeployRequestResult } from "@bridgeport/core";
import { HTTPException } from "hono/http-exception";

/** A 400 for input that passed the schema but not a domain rule; the message names the field. */
export function badRequest(field: string, message: string): HTTPException {
  return new HTTPException(400, { message: `${field}: ${message}` });
}

/** A 400 whose message is a seed's own sentence (e.g. "No services linked to this image"). */
export function refused(message: string): HTTPException {
  return new HTTPException(400, { message });
}

/** A 404 with a domain sentence (e.g. requestDeploy's "Image digest not found for this container image"). */
export function notFound(message: string): HTTPException {
  return new HTTPException(404, { message });
}

/** A deploy request that was not planned, as the API answers it: 404, 400, or 409 "locked by ...". */
export function deployRefused(result: Exclude<DeployRequestResult, { kind: "planned" }>): Error {
  if (result.kind === "not_found") return notFound(result.message);
  if (result.kind === "invalid" || result.kind === "unchanged") return refused(result.message);
  return new ConflictError(result.message);
}
