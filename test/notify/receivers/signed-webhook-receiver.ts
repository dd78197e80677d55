import { createHmac, timingSafeEqual } from "node:crypto";
import { type HttpReceiver, startHttpReceiver } from "./http-receiver.js";

/**
 * README.md's recipe for verifying a delivery, in Node: HMAC-SHA256 of `<timestamp>.<body>`
 * with the shared secret, compared in constant time, and a timestamp at most 5 minutes old.
 * Written out here rather than imported from the bot, so it checks what the README says.
 */
export function verifyAsReadmeSays(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): boolean {
  const timestamp = String(headers["x-bridgeport-timestamp"] ?? "");
  const signature = String(headers["x-bridgeport-signature-256"] ?? "");
  const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
  return (
    fresh &&
    expected.length === signature.length &&
    timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
  );
}

/** A receiver of the generic webhook: 401 for a delivery whose signature does not verify, else 200. */
export function startSignedWebhookReceiver(secret: string): Promise<HttpReceiver> {
  return startHttpReceiver({
    check: (_, request) => {
      const problems: string[] = [];
      if (!verifyAsReadmeSays(secret, request.headers, request.body))
        problems.push("the signature does not verify");
      if (!request.headers["x-bridgeport-delivery"]) problems.push("X-Bridgeport-Delivery is missing");
      if (request.headers["content-type"] !== "application/json")
        problems.push("Content-Type is not application/json");
      return problems;
    },
    accept: () => ({ status: 200, body: "thanks" }),
    reject: (problems) => ({ status: 401, body: problems.join("; ") }),
  });
}
