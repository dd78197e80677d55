import { rootCertificates } from "node:tls";
import type { EmailTarget, RenderedEmail } from "@bridgeport/core";
import nodemailer from "nodemailer";
import { excerpt, type SendVerdict } from "./send-verdict.js";

export interface EmailOptions {
  timeoutMs: number;
  /** CAs trusted besides the system's (PEM), for every SMTP server. */
  extraCa: readonly string[];
}

/** SMTP errors nodemailer reports without a reply code that a later attempt may get past. */
const TEMPORARY_CODES = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ECONNRESET"]);

/**
 * Sends one e-mail over SMTP with nodemailer: STARTTLS required (`starttls`), TLS from the
 * first byte (`tls`), or plain (`none`, for a relay on a trusted network; then no password is
 * stored, see the API's rules). The verdict follows the SMTP reply: 2xx delivered, 4xx and
 * dropped connections retried, 5xx and refused logins failed.
 */
export async function sendEmail(
  target: EmailTarget,
  password: string | undefined,
  mail: RenderedEmail & { deliveryId: string },
  options: EmailOptions,
): Promise<SendVerdict> {
  const ca = [...(target.caCertificate ? [target.caCertificate] : []), ...options.extraCa];
  const transport = nodemailer.createTransport({
    host: target.host,
    port: target.port,
    secure: target.security === "tls",
    requireTLS: target.security === "starttls",
    ignoreTLS: target.security === "none",
    ...(target.username ? { auth: { user: target.username, pass: password ?? "" } } : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    // Setting `ca` replaces Node's trust store, so the system's roots come along.
    ...(ca.length > 0 ? { tls: { ca: [...rootCertificates, ...ca] } } : {}),
  });
  try {
    const info = await transport.sendMail({
      from: target.from,
      to: target.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { "X-Bridgeport-Delivery": mail.deliveryId },
    });
    const reply = String(info.response ?? "");
    return { kind: "delivered", status: replyCode(reply), answer: excerpt(reply) };
  } catch (error) {
    return smtpVerdict(error, target.host);
  } finally {
    transport.close();
  }
}

function smtpVerdict(error: unknown, host: string): SendVerdict {
  const { responseCode, code, response, message } = error as {
    responseCode?: number;
    code?: string;
    response?: string;
    message?: string;
  };
  const said = excerpt(response ?? message ?? String(error));
  if (typeof responseCode === "number") {
    const verdict = responseCode >= 400 && responseCode < 500 ? "retry" : "failed";
    const error = `SMTP ${responseCode} from ${host}: ${said}`;
    return verdict === "retry"
      ? { kind: "retry", status: responseCode, error, retryAfterMs: null }
      : { kind: "failed", status: responseCode, error };
  }
  const reason = `SMTP ${code ?? "error"} talking to ${host}: ${said}`;
  return code !== undefined && TEMPORARY_CODES.has(code)
    ? { kind: "retry", status: null, error: reason, retryAfterMs: null }
    : { kind: "failed", status: null, error: reason };
}

function replyCode(reply: string): number | null {
  const code = /^(\d{3})/.exec(reply)?.[1];
  return code === undefined ? null : Number(code);
}
