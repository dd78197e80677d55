PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`role` text DEFAULT 'admin' NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	CONSTRAINT "api_tokens_role_check" CHECK("__new_api_tokens"."role" IN ('read', 'deploy', 'admin'))
);
--> statement-breakpoint
INSERT INTO `__new_api_tokens`("id", "name", "token_hash", "created_at", "last_used_at") SELECT "id", "name", "token_hash", "created_at", "last_used_at" FROM `api_tokens`;--> statement-breakpoint
DROP TABLE `api_tokens`;--> statement-breakpoint
ALTER TABLE `__new_api_tokens` RENAME TO `api_tokens`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_created_idx` ON `api_tokens` (`created_at`);--> statement-breakpoint
CREATE TABLE `__new_deployment_steps` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`service_id` text NOT NULL,
	`level` integer NOT NULL,
	`position` integer NOT NULL,
	`action` text DEFAULT 'deploy' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`from_digest` text,
	`to_digest` text NOT NULL,
	`previous_container_id` text,
	`started_at` integer,
	`finished_at` integer,
	`duration_ms` integer,
	`health` text,
	`log` text DEFAULT '' NOT NULL,
	`error` text,
	FOREIGN KEY (`plan_id`) REFERENCES `deployment_plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "deployment_steps_action_check" CHECK("__new_deployment_steps"."action" IN ('deploy', 'rollback')),
	CONSTRAINT "deployment_steps_status_check" CHECK("__new_deployment_steps"."status" IN ('pending', 'running', 'success', 'failed', 'skipped', 'rolled_back')),
	CONSTRAINT "deployment_steps_health_check" CHECK("__new_deployment_steps"."health" IS NULL OR "__new_deployment_steps"."health" IN ('healthy', 'unhealthy'))
);
--> statement-breakpoint
INSERT INTO `__new_deployment_steps`("id", "plan_id", "service_id", "level", "position", "action", "status", "from_digest", "to_digest", "previous_container_id", "started_at", "finished_at", "duration_ms", "health", "log", "error") SELECT "id", "plan_id", "service_id", "level", "position", "action", "status", "from_digest", "to_digest", "previous_container_id", "started_at", "finished_at", "duration_ms", CASE WHEN "error" LIKE 'unhealthy:%' THEN 'unhealthy' WHEN (char(10) || "log") LIKE '%' || char(10) || '____-__-__T__:__:__.___Z health: %' THEN 'healthy' END, "log", "error" FROM `deployment_steps`;--> statement-breakpoint
DROP TABLE `deployment_steps`;--> statement-breakpoint
ALTER TABLE `__new_deployment_steps` RENAME TO `deployment_steps`;--> statement-breakpoint
CREATE INDEX `deployment_steps_plan_order_idx` ON `deployment_steps` (`plan_id`,`level`,`position`);--> statement-breakpoint
CREATE UNIQUE INDEX `environments_name_lower_unique` ON `environments` (lower("name"));