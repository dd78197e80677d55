CREATE TABLE `notification_channels` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`events` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`target` text NOT NULL,
	`secret_ciphertext` text NOT NULL,
	`secret_fields` text NOT NULL,
	`failing_since` integer,
	`failing_reported_at` integer,
	`last_error` text,
	`last_delivered_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "notification_channels_kind_check" CHECK("notification_channels"."kind" IN ('slack', 'discord', 'webhook', 'email'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_channels_environment_name_unique` ON `notification_channels` (`environment_id`,`name`);--> statement-breakpoint
CREATE TABLE `notification_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`channel_id` text NOT NULL,
	`event` text NOT NULL,
	`fold_key` text NOT NULL,
	`payload` text NOT NULL,
	`folded` integer DEFAULT 0 NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`due_at` integer NOT NULL,
	`locked_by` text,
	`last_error` text,
	`response_status` integer,
	`delivered_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`channel_id`) REFERENCES `notification_channels`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "notification_deliveries_status_check" CHECK("notification_deliveries"."status" IN ('queued', 'sending', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `notification_deliveries_unfinished_idx` ON `notification_deliveries` (`channel_id`,`created_at`,`id`) WHERE "notification_deliveries"."status" IN ('queued', 'sending');--> statement-breakpoint
CREATE INDEX `notification_deliveries_fold_idx` ON `notification_deliveries` (`fold_key`,`status`);--> statement-breakpoint
CREATE INDEX `notification_deliveries_channel_idx` ON `notification_deliveries` (`channel_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notification_deliveries_updated_idx` ON `notification_deliveries` (`updated_at`);--> statement-breakpoint
CREATE TABLE `registry_sync_health` (
	`registry_connection_id` text PRIMARY KEY NOT NULL,
	`consecutive_failures` integer NOT NULL,
	`last_error` text,
	`reported_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`registry_connection_id`) REFERENCES `registry_connections`(`id`) ON UPDATE no action ON DELETE cascade
);
