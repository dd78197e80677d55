-- Wake-ups for the other replicas, sent by the database itself: a NOTIFY issued in a trigger
-- belongs to the transaction that queued the job or appended the plan event, so it is
-- delivered when (and only if) that transaction commits, and a woken replica finds the row.
CREATE FUNCTION bridgeport_notify_job_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('bridgeport_jobs', NEW.kind);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER jobs_queued_notify AFTER INSERT ON jobs
  FOR EACH ROW WHEN (NEW.status = 'queued') EXECUTE FUNCTION bridgeport_notify_job_queued();
--> statement-breakpoint
CREATE FUNCTION bridgeport_notify_plan_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('bridgeport_plan_events', NEW.plan_id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER plan_events_notify AFTER INSERT ON plan_events
  FOR EACH ROW EXECUTE FUNCTION bridgeport_notify_plan_event();
