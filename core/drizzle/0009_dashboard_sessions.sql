CREATE TABLE `dashboard_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`secret_hash` text NOT NULL,
	`api_token_id` text,
	`admin_token_mac` text,
	`actor` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`api_token_id`) REFERENCES `api_tokens`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "dashboard_sessions_role_check" CHECK("dashboard_sessions"."role" IN ('read', 'deploy', 'admin')),
	CONSTRAINT "dashboard_sessions_token_check" CHECK(("dashboard_sessions"."api_token_id" IS NULL) <> ("dashboard_sessions"."admin_token_mac" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dashboard_sessions_secret_hash_unique` ON `dashboard_sessions` (`secret_hash`);--> statement-breakpoint
CREATE INDEX `dashboard_sessions_token_idx` ON `dashboard_sessions` (`api_token_id`);--> statement-breakpoint
CREATE INDEX `dashboard_sessions_expires_idx` ON `dashboard_sessions` (`expires_at`);