import type { z } from "zod";
import { DeployAnswerJson, ErrorJson, type PlanDetail, PlanDetailJson } from "./plan-json.js";
import { readServerSentEvents, type ServerSentEvent } from "./sse.js";

export interface DeployRequest {
  environment: string;
  image: string;
  ref: { digest: string } | { tag: string };
  autoRollback: boolean;
  context: Record<string, string | number>;
}

/** The bot could not be reached, or refused: the message says what to change. */
export class BotError extends Error {
  override name = "BotError";
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface BotClient {
  deploy(request: DeployRequest): Promise<{ planId: string; detail: PlanDetail }>;
  detail(planId: string): Promise<PlanDetail>;
  /** The plan's event stream; ends with the plan, when the bot closes it, or on `signal`. */
  events(planId: string, signal: AbortSignal): AsyncGenerator<ServerSentEvent>;
  /** Where a person can read the plan. */
  planUrl(planId: string): string;
}

/** Each request gets this long; planning may first look the digest up in the registry. */
const REQUEST_TIMEOUT_MS = 60_000;

/** The bot's REST API with a Bearer token (which never appears in a message). */
export function botClient(url: string, token: string, fetchImpl: typeof fetch = fetch): BotClient {
  const send = async (path: string, init: RequestInit = {}, signal?: AbortSignal) => {
    try {
      return await fetchImpl(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        signal: signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new BotError(
        `Could not reach the Bridgeport bot at ${url} (${reason(error)}): check the \`url\` input and that the runner can reach it`,
        undefined,
        { cause: error },
      );
    }
  };
  const json = async <T>(response: Response, schema: z.ZodType<T>): Promise<T> => {
    const text = await response.text();
    if (!response.ok) throw refusal(response.status, text);
    const parsed = schema.safeParse(parseJson(text));
    if (!parsed.success) {
      throw new BotError(
        `The bot at ${url} answered ${response.status} with an unexpected body: is \`url\` a Bridgeport bot?`,
        response.status,
      );
    }
    return parsed.data;
  };
  const planPath = (planId: string) => `/api/deployment-plans/${encodeURIComponent(planId)}`;
  return {
    async deploy(request) {
      const body = {
        environment: request.environment,
        image: request.image,
        ...request.ref,
        autoRollback: request.autoRollback,
        trigger: "action",
        context: request.context,
      };
      return json(
        await send("/api/deploy", { method: "POST", body: JSON.stringify(body) }),
        DeployAnswerJson,
      );
    },
    async detail(planId) {
      return json(await send(planPath(planId)), PlanDetailJson);
    },
    async *events(planId, signal) {
      const response = await send(`${planPath(planId)}/events`, {}, signal);
      if (!response.ok || !response.body) throw refusal(response.status, await response.text());
      yield* readServerSentEvents(response.body);
    },
    planUrl: (planId) => `${url}${planPath(planId)}`,
  };
}

/** A non-2xx answer as a message that says what to do about it. */
function refusal(status: number, text: string): BotError {
  const body = ErrorJson.safeParse(parseJson(text));
  const error = body.success ? body.data.error : text.slice(0, 300) || "no details";
  if (status === 401) {
    return new BotError(
      "The bot refused the `token` input (401): create an API token in Bridgeport (POST /api/tokens) and store it as a secret",
      status,
    );
  }
  if (status === 403) return new BotError(`The bot refused the \`token\` input (403): ${error}`, status);
  if (status === 404 && body.success && body.data.field) {
    return new BotError(`Bridgeport does not know this ${body.data.field} (404): ${error}`, status);
  }
  if (status === 409) return new BotError(`The bot refused to deploy now (409): ${error}`, status);
  if (status === 400) return new BotError(`The bot rejected the request (400): ${error}`, status);
  return new BotError(`The bot answered ${status}: ${error}`, status);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `ECONNREFUSED`, `ENOTFOUND`, `timed out`: the network-level reason, never the request. */
function reason(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "timed out";
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return cause.code;
  return error instanceof Error ? error.message : String(error);
}
