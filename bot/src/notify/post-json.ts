import { type Dispatcher, request } from "undici";
import { httpVerdict, networkVerdict, type SendVerdict } from "./send-verdict.js";

/** Read no more of a receiver's answer than this: only an excerpt is kept. */
const MAX_ANSWER_BYTES = 4096;

export interface PostOptions {
  dispatcher: Dispatcher;
  /** The whole request, connect to last byte. */
  timeoutMs: number;
  now: () => Date;
}

/**
 * POSTs a JSON body and judges the answer. Redirects are never followed (a webhook that
 * moved says so in the delivery log rather than sending the message somewhere else), the
 * answer is read to MAX_ANSWER_BYTES at most, and the whole exchange is bounded by
 * `timeoutMs`. Errors name the host only: a webhook URL's path is its secret.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<SendVerdict> {
  const host = new URL(url).host;
  try {
    const response = await request(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "user-agent": "Bridgeport", ...headers },
      dispatcher: options.dispatcher,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const answer = await readSome(response.body, MAX_ANSWER_BYTES);
    return httpVerdict(response.statusCode, response.headers, answer, options.now().getTime());
  } catch (error) {
    return networkVerdict(error, host, options.timeoutMs);
  }
}

async function readSome(body: Dispatcher.ResponseData["body"], max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= max) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max).toString("utf8");
}
