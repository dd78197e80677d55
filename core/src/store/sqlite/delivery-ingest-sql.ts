/**
 * The SQL behind webhookDeliveries.ingest, the webhook hot path. Plain statements on the raw
 * client: drizzle's query building cost as much as SQLite's work here (measured: 0.55 ms per
 * delivery through drizzle, 0.29 ms raw). A group of deliveries travels as JSON parameters, as
 * the digest upsert's rows do, so any number of them is the same three short statements, each
 * compiled once per connection (the client's statement cache) whatever the group's size.
 */

// Tuples: DeliveryTuple and JobTuple (../dialect.ts).

/** Parameters: ?1 received at (ms), ?2 JSON array of DeliveryTuple. Returns the ids inserted (not redeliveries). */
export const INSERT_DELIVERIES = `
INSERT INTO webhook_deliveries (id, source, delivery_key, outcome, pushes, job_ids, detail, received_at)
SELECT d.value ->> 0, d.value ->> 1, d.value ->> 2, d.value ->> 3, d.value ->> 4, '[]', d.value ->> 5, ?1
FROM json_each(?2) AS d
WHERE true
ON CONFLICT DO NOTHING
RETURNING id`;

/**
 * Parameters: ?1 now (ms), ?2 JSON array of JobTuple. Only a delivery inserted just now queues
 * jobs (a redelivery queues nothing). A job whose coalesce key is already queued is not
 * inserted: the delivery joins that job (SET_JOB_IDS). One queued while a job with its key
 * runs is due the coalesce delay later.
 */
export const INSERT_JOBS = `
INSERT INTO jobs (id, kind, payload, dedupe_key, coalesce_key, status, attempts, max_attempts, run_at, created_at, updated_at)
SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 6, 'queued', 0, j.value ->> 4,
  CASE WHEN EXISTS (SELECT 1 FROM jobs AS r WHERE r.coalesce_key = j.value ->> 6 AND r.status = 'running')
    THEN ?1 + (j.value ->> 7) ELSE j.value ->> 5 END,
  ?1, ?1
FROM json_each(?2) AS j
WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = j.value ->> 8)
ON CONFLICT DO NOTHING`;

/**
 * Parameters: ?1 JSON array of the new deliveries' ids, ?2 the same JSON array of JobTuple.
 * Points each delivery at the jobs that do its work: its own, or the queued ones it joined.
 */
export const SET_JOB_IDS = `
UPDATE webhook_deliveries SET job_ids = (
  SELECT json_group_array(id) FROM (
    SELECT coalesce(
      (SELECT id FROM jobs WHERE id = j.value ->> 0),
      (SELECT id FROM jobs WHERE coalesce_key = j.value ->> 6 AND status = 'queued')
    ) AS id
    FROM json_each(?2) AS j
    WHERE j.value ->> 8 = webhook_deliveries.id
  ) WHERE id IS NOT NULL)
WHERE id IN (SELECT value FROM json_each(?1))
RETURNING id, job_ids`;

/** Parameters: source, delivery key. */
export const SELECT_DELIVERY =
  "SELECT id, job_ids FROM webhook_deliveries WHERE source = ? AND delivery_key = ?";
