PRAGMA foreign_keys=OFF;--> statement-breakpoint
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
	CONSTRAINT "deployment_steps_status_check" CHECK("__new_deployment_steps"."status" IN ('pending', 'running', 'success', 'failed', 'skipped', 'rolled_back', 'unchanged')),
	CONSTRAINT "deployment_steps_health_check" CHECK("__new_deployment_steps"."health" IS NULL OR "__new_deployment_steps"."health" IN ('healthy', 'unhealthy'))
);
--> statement-breakpoint
INSERT INTO `__new_deployment_steps`("id", "plan_id", "service_id", "level", "position", "action", "status", "from_digest", "to_digest", "previous_container_id", "started_at", "finished_at", "duration_ms", "health", "log", "error") SELECT "id", "plan_id", "service_id", "level", "position", "action", "status", "from_digest", "to_digest", "previous_container_id", "started_at", "finished_at", "duration_ms", "health", "log", "error" FROM `deployment_steps`;--> statement-breakpoint
DROP TABLE `deployment_steps`;--> statement-breakpoint
ALTER TABLE `__new_deployment_steps` RENAME TO `deployment_steps`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `deployment_steps_plan_order_idx` ON `deployment_steps` (`plan_id`,`level`,`position`);