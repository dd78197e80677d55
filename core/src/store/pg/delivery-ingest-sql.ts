/**
 * The webhook group commit on PostgreSQL: the same three statements as
 * ../sqlite/delivery-ingest-sql.ts, with jsonb_array_elements for json_each. A group of
 * deliveries travels as jsonb parameters (DeliveryTuple, JobTuple: ../dialect.ts), so any
 * number is three statements, each a named prepared statement parsed once per connection.
 *
 * Across replicas: a delivery key stored by another replica (committed, or in a transaction
 * that then commits) is skipped by ON CONFLICT DO NOTHING on (source, delivery_key): it is
 * stored once, and its jobs queued once. Rows are inserted in key order, so two replicas
 * writing overlapping groups take their row locks in the same order and never deadlock.
 */

/** $1 received at, $2 jsonb array of DeliveryTuple. Returns the ids inserted (not redeliveries). */
export const INSERT_DELIVERIES = `
INSERT INTO webhook_deliveries (id, source, delivery_key, outcome, pushes, job_ids, detail, received_at)
SELECT d ->> 0, d ->> 1, d ->> 2, d ->> 3, (d ->> 4)::jsonb, '[]'::jsonb, d ->> 5, $1
FROM jsonb_array_elements($2::jsonb) AS d
ORDER BY d ->> 1, d ->> 2
ON CONFLICT DO NOTHING
RETURNING id`;

/**
 * $1 now, $2 jsonb array of JobTuple. Only a delivery inserted just now queues jobs. A job whose
 * coalesce key is already queued (by this replica or another) is not inserted: the partial
 * unique index refuses it, and the delivery joins that job (SET_JOB_IDS).
 */
export const INSERT_JOBS = `
INSERT INTO jobs (id, kind, payload, dedupe_key, coalesce_key, status, attempts, max_attempts, run_at, created_at, updated_at)
SELECT j ->> 0, j ->> 1, (j ->> 2)::jsonb, j ->> 3, j ->> 6, 'queued', 0, (j ->> 4)::integer,
  CASE WHEN EXISTS (SELECT 1 FROM jobs AS r WHERE r.coalesce_key = j ->> 6 AND r.status = 'running')
    THEN $1::timestamptz + (j ->> 7)::bigint * interval '1 millisecond'
    ELSE to_timestamp((j ->> 5)::bigint / 1000.0) END,
  $1, $1
FROM jsonb_array_elements($2::jsonb) AS j
WHERE EXISTS (SELECT 1 FROM webhook_deliveries AS w WHERE w.id = j ->> 8)
ORDER BY j ->> 6, j ->> 3, j ->> 0
ON CONFLICT DO NOTHING`;

/**
 * $1 jsonb array of the deliveries' ids, $2 the same jsonb array of JobTuple. Points each new
 * delivery at the jobs doing its work: its own, or the one with its coalesce key that it
 * joined. That one was queued when INSERT_JOBS ran; another replica may have claimed it since
 * (the statements run READ COMMITTED), so a running one with the key counts too. A delivery
 * whose jobs all vanished keeps the '[]' it was inserted with.
 *
 * It starts from the group's tuples and reaches each delivery by its primary key: the table
 * holds every delivery of the retention period, and a plan that scanned it per group (as
 * `UPDATE ... WHERE id IN (...)` with a correlated subquery was planned) grew with it.
 */
export const SET_JOB_IDS = `
UPDATE webhook_deliveries AS w SET job_ids = x.job_ids
FROM (
  SELECT r.delivery_id, jsonb_agg(r.job_id ORDER BY r.n) AS job_ids
  FROM (
    SELECT j.value ->> 8 AS delivery_id, j.n, coalesce(
      (SELECT id FROM jobs WHERE id = j.value ->> 0),
      (SELECT id FROM jobs
        WHERE coalesce_key = j.value ->> 6 AND status IN ('queued', 'running')
        ORDER BY (status = 'queued') DESC, created_at DESC, id DESC
        LIMIT 1)
    ) AS job_id
    FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS j(value, n)
    WHERE j.value ->> 8 IN (SELECT jsonb_array_elements_text($1::jsonb))
  ) AS r
  WHERE r.job_id IS NOT NULL
  GROUP BY r.delivery_id
) AS x
WHERE w.id = x.delivery_id
RETURNING w.id, w.job_ids`;

/** $1 source, $2 delivery key. */
export const SELECT_DELIVERY =
  "SELECT id, job_ids FROM webhook_deliveries WHERE source = $1 AND delivery_key = $2";
