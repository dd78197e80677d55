ALTER TABLE `jobs` ADD `coalesce_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_queued_coalesce_key_idx` ON `jobs` (`coalesce_key`) WHERE "jobs"."status" = 'queued';--> statement-breakpoint
CREATE INDEX `jobs_coalesce_key_status_idx` ON `jobs` (`coalesce_key`,`status`) WHERE "jobs"."coalesce_key" IS NOT NULL;