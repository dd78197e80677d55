CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`dedupe_key` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 5 NOT NULL,
	`run_at` integer NOT NULL,
	`locked_by` text,
	`locked_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "jobs_status_check" CHECK("jobs"."status" IN ('queued', 'running', 'done', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_dedupe_key_unique` ON `jobs` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `jobs_status_run_at_idx` ON `jobs` (`status`,`run_at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`delivery_key` text NOT NULL,
	`outcome` text NOT NULL,
	`pushes` text NOT NULL,
	`job_ids` text NOT NULL,
	`detail` text,
	`received_at` integer NOT NULL,
	CONSTRAINT "webhook_deliveries_outcome_check" CHECK("webhook_deliveries"."outcome" IN ('queued', 'ignored'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_source_key_idx` ON `webhook_deliveries` (`source`,`delivery_key`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_received_idx` ON `webhook_deliveries` (`received_at`);