import { JOB_STATUSES, type Job, NotFoundError } from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import {
  apiRouter,
  errorResponses,
  idParams,
  iso,
  jsonResponse,
  limitParam,
} from "../http/openapi-router.js";

const tags = ["jobs"];
const JobJson = z
  .object({
    id: z.string(),
    kind: z.string(),
    status: z.enum(JOB_STATUSES),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    payload: z.record(z.string(), z.unknown()),
    runAt: z.string(),
    lockedBy: z.string().nullable(),
    lockedUntil: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Job");

/** Field by field: a column added to the jobs table stays out of the API until chosen here. */
const toJson = (job: Job): z.infer<typeof JobJson> => ({
  id: job.id,
  kind: job.kind,
  status: job.status,
  attempts: job.attempts,
  maxAttempts: job.maxAttempts,
  payload: job.payload,
  runAt: iso(job.runAt),
  lockedBy: job.lockedBy,
  lockedUntil: iso(job.lockedUntil),
  lastError: job.lastError,
  createdAt: iso(job.createdAt),
  updatedAt: iso(job.updatedAt),
});

const list = createRoute({
  method: "get",
  path: "/api/jobs",
  tags,
  request: {
    query: z.object({
      status: z.enum(JOB_STATUSES).optional(),
      kind: z.string().min(1).max(100).optional(),
      limit: limitParam(100),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ jobs: z.array(JobJson) }), "Newest first"),
    ...errorResponses,
  },
});
const get = createRoute({
  method: "get",
  path: "/api/jobs/{id}",
  tags,
  request: { params: idParams },
  responses: { 200: jsonResponse(JobJson, "The job"), ...errorResponses },
});

/** The durable job queue, read-only: what is queued, running, done or failed, and why. */
export function jobRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  return apiRouter()
    .openapi(list, async (c) => {
      const { status, kind, limit } = c.req.valid("query");
      const jobs = await store.jobs.list({ limit, ...(status ? { status } : {}), ...(kind ? { kind } : {}) });
      return c.json({ jobs: jobs.map(toJson) }, 200);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid("param");
      const job = await store.jobs.get(id);
      if (!job) throw new NotFoundError("Job", id);
      return c.json(toJson(job), 200);
    });
}
