CREATE TABLE `container_images` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`name` text NOT NULL,
	`image_name` text NOT NULL,
	`tag_filter` text DEFAULT 'latest' NOT NULL,
	`registry_connection_id` text,
	`last_checked_at` integer,
	`deployed_digest_id` text,
	`update_available` integer DEFAULT false NOT NULL,
	`latest_digest_id` text,
	`latest_tag` text,
	`update_reason` text,
	`auto_update` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`registry_connection_id`) REFERENCES `registry_connections`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`deployed_digest_id`) REFERENCES `image_digests`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`latest_digest_id`) REFERENCES `image_digests`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `container_images_registry_idx` ON `container_images` (`registry_connection_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `container_images_environment_image_name_unique` ON `container_images` (`environment_id`,`image_name`);--> statement-breakpoint
CREATE TABLE `deployment_history` (
	`id` text PRIMARY KEY NOT NULL,
	`container_image_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`tag` text,
	`digest` text NOT NULL,
	`status` text NOT NULL,
	`deployed_at` integer NOT NULL,
	`deployed_by` text NOT NULL,
	`deployment_count` integer NOT NULL,
	`total_duration_ms` integer NOT NULL,
	`services` text NOT NULL,
	FOREIGN KEY (`container_image_id`) REFERENCES `container_images`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `deployment_plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "deployment_history_status_check" CHECK("deployment_history"."status" IN ('success', 'failed', 'rolled_back'))
);
--> statement-breakpoint
CREATE INDEX `deployment_history_image_deployed_idx` ON `deployment_history` (`container_image_id`,"deployed_at" desc);--> statement-breakpoint
CREATE TABLE `deployment_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`container_image_id` text NOT NULL,
	`image_digest_id` text,
	`target_digest` text NOT NULL,
	`target_tag` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`auto_rollback` integer NOT NULL,
	`parallel` integer DEFAULT false NOT NULL,
	`dry_run` integer DEFAULT false NOT NULL,
	`trigger` text NOT NULL,
	`triggered_by` text NOT NULL,
	`trigger_context` text,
	`plan` text NOT NULL,
	`error` text,
	`rollback_outcome` text,
	`lease_owner` text,
	`lease_expires_at` integer,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`container_image_id`) REFERENCES `container_images`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`image_digest_id`) REFERENCES `image_digests`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "deployment_plans_status_check" CHECK("deployment_plans"."status" IN ('pending', 'running', 'success', 'failed', 'rolled_back', 'rollback_failed', 'cancelled')),
	CONSTRAINT "deployment_plans_trigger_check" CHECK("deployment_plans"."trigger" IN ('api', 'webhook', 'schedule', 'pr_comment', 'action', 'auto_update'))
);
--> statement-breakpoint
CREATE INDEX `deployment_plans_image_created_idx` ON `deployment_plans` (`container_image_id`,"created_at" desc);--> statement-breakpoint
CREATE INDEX `deployment_plans_status_idx` ON `deployment_plans` (`status`);--> statement-breakpoint
CREATE TABLE `deployment_steps` (
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
	`log` text DEFAULT '' NOT NULL,
	`error` text,
	FOREIGN KEY (`plan_id`) REFERENCES `deployment_plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "deployment_steps_action_check" CHECK("deployment_steps"."action" IN ('deploy', 'rollback')),
	CONSTRAINT "deployment_steps_status_check" CHECK("deployment_steps"."status" IN ('pending', 'running', 'success', 'failed', 'skipped', 'rolled_back'))
);
--> statement-breakpoint
CREATE INDEX `deployment_steps_plan_order_idx` ON `deployment_steps` (`plan_id`,`level`,`position`);--> statement-breakpoint
CREATE TABLE `environments` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`auto_prune_images` integer DEFAULT false NOT NULL,
	`prune_images_mode` text DEFAULT 'dangling' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "environments_prune_images_mode_check" CHECK("environments"."prune_images_mode" IN ('dangling', 'all'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `environments_name_unique` ON `environments` (`name`);--> statement-breakpoint
CREATE TABLE `image_digest_platforms` (
	`image_digest_id` text NOT NULL,
	`os` text NOT NULL,
	`architecture` text NOT NULL,
	`variant` text,
	`digest` text NOT NULL,
	`size` integer,
	PRIMARY KEY(`image_digest_id`, `digest`),
	FOREIGN KEY (`image_digest_id`) REFERENCES `image_digests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `image_digests` (
	`id` text PRIMARY KEY NOT NULL,
	`container_image_id` text NOT NULL,
	`manifest_digest` text NOT NULL,
	`media_type` text NOT NULL,
	`config_digest` text,
	`tags` text NOT NULL,
	`size` integer,
	`pushed_at` integer NOT NULL,
	`pushed_at_source` text NOT NULL,
	`discovered_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`container_image_id`) REFERENCES `container_images`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "image_digests_pushed_at_source_check" CHECK("image_digests"."pushed_at_source" IN ('registry', 'config', 'first_seen'))
);
--> statement-breakpoint
CREATE INDEX `image_digests_image_pushed_at_idx` ON `image_digests` (`container_image_id`,"pushed_at" desc);--> statement-breakpoint
CREATE UNIQUE INDEX `image_digests_image_manifest_unique` ON `image_digests` (`container_image_id`,`manifest_digest`);--> statement-breakpoint
CREATE TABLE `locks` (
	`scope` text PRIMARY KEY NOT NULL,
	`plan_id` text,
	`holder` text NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	FOREIGN KEY (`plan_id`) REFERENCES `deployment_plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `registry_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`registry_url` text NOT NULL,
	`repository_prefix` text,
	`is_default` integer DEFAULT false NOT NULL,
	`refresh_interval_minutes` integer DEFAULT 30 NOT NULL,
	`auto_link_pattern` text,
	`active_credential_version` integer,
	`secret_fields` text DEFAULT '[]' NOT NULL,
	`auth_changed_at` integer NOT NULL,
	`last_sync_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "registry_connections_type_check" CHECK("registry_connections"."type" IN ('generic', 'dockerhub', 'digitalocean', 'ghcr', 'ecr', 'gcr', 'gar', 'acr', 'quay', 'public')),
	CONSTRAINT "registry_connections_refresh_interval_check" CHECK("registry_connections"."refresh_interval_minutes" BETWEEN 5 AND 1440)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `registry_connections_one_default` ON `registry_connections` (`environment_id`) WHERE "registry_connections"."is_default" = 1;--> statement-breakpoint
CREATE UNIQUE INDEX `registry_connections_environment_name_unique` ON `registry_connections` (`environment_id`,`name`);--> statement-breakpoint
CREATE TABLE `registry_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`registry_connection_id` text NOT NULL,
	`version` integer NOT NULL,
	`ciphertext` text NOT NULL,
	`secret_fields` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`registry_connection_id`) REFERENCES `registry_connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `registry_credentials_version_unique` ON `registry_credentials` (`registry_connection_id`,`version`);--> statement-breakpoint
CREATE TABLE `server_registry_logins` (
	`server_id` text NOT NULL,
	`registry_connection_id` text NOT NULL,
	`credential_version` integer NOT NULL,
	`logged_in_at` integer NOT NULL,
	PRIMARY KEY(`server_id`, `registry_connection_id`),
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`registry_connection_id`) REFERENCES `registry_connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `servers` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`name` text NOT NULL,
	`mode` text NOT NULL,
	`host` text,
	`port` integer DEFAULT 22 NOT NULL,
	`username` text,
	`auth_kind` text,
	`secret_ciphertext` text,
	`host_key_fingerprint` text,
	`socket_path` text,
	`docker_socket_path` text DEFAULT '/var/run/docker.sock' NOT NULL,
	`platform` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "servers_mode_check" CHECK("servers"."mode" IN ('ssh', 'socket')),
	CONSTRAINT "servers_auth_kind_check" CHECK("servers"."auth_kind" IS NULL OR "servers"."auth_kind" IN ('key', 'password')),
	CONSTRAINT "servers_ssh_target_check" CHECK("servers"."mode" <> 'ssh' OR ("servers"."host" IS NOT NULL AND "servers"."username" IS NOT NULL)),
	CONSTRAINT "servers_port_check" CHECK("servers"."port" BETWEEN 1 AND 65535),
	CONSTRAINT "servers_auth_pair_check" CHECK(("servers"."auth_kind" IS NULL) = ("servers"."secret_ciphertext" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `servers_environment_name_unique` ON `servers` (`environment_id`,`name`);--> statement-breakpoint
CREATE TABLE `service_dependencies` (
	`service_id` text NOT NULL,
	`depends_on_service_id` text NOT NULL,
	PRIMARY KEY(`service_id`, `depends_on_service_id`),
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`depends_on_service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "service_dependencies_not_self_check" CHECK("service_dependencies"."service_id" <> "service_dependencies"."depends_on_service_id")
);
--> statement-breakpoint
CREATE INDEX `service_dependencies_depends_on_idx` ON `service_dependencies` (`depends_on_service_id`);--> statement-breakpoint
CREATE TABLE `services` (
	`id` text PRIMARY KEY NOT NULL,
	`server_id` text NOT NULL,
	`container_image_id` text NOT NULL,
	`name` text NOT NULL,
	`container_name` text NOT NULL,
	`kind` text DEFAULT 'container' NOT NULL,
	`compose_file` text,
	`compose_service` text,
	`health_check` text,
	`deployed_digest` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`container_image_id`) REFERENCES `container_images`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "services_kind_check" CHECK("services"."kind" IN ('container', 'compose'))
);
--> statement-breakpoint
CREATE INDEX `services_image_idx` ON `services` (`container_image_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `services_server_container_unique` ON `services` (`server_id`,`container_name`);