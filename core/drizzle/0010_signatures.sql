CREATE TABLE `signature_verifications` (
	`container_image_id` text NOT NULL,
	`manifest_digest` text NOT NULL,
	`key_set` text NOT NULL,
	`status` text NOT NULL,
	`key_id` text,
	`key_name` text,
	`kind` text,
	`reason` text,
	`checked_at` integer NOT NULL,
	PRIMARY KEY(`container_image_id`, `manifest_digest`),
	FOREIGN KEY (`container_image_id`) REFERENCES `container_images`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "signature_verifications_status_check" CHECK("signature_verifications"."status" IN ('verified', 'unsigned', 'untrusted', 'mismatch', 'corrupt', 'malformed', 'error')),
	CONSTRAINT "signature_verifications_kind_check" CHECK("signature_verifications"."kind" IS NULL OR "signature_verifications"."kind" IN ('cosign', 'bundle'))
);
--> statement-breakpoint
CREATE TABLE `signing_key_events` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`key_id` text NOT NULL,
	`key_name` text NOT NULL,
	`fingerprint` text NOT NULL,
	`action` text NOT NULL,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "signing_key_events_action_check" CHECK("signing_key_events"."action" IN ('added', 'removed'))
);
--> statement-breakpoint
CREATE INDEX `signing_key_events_environment_at_idx` ON `signing_key_events` (`environment_id`,"at" desc);--> statement-breakpoint
CREATE TABLE `signing_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`name` text NOT NULL,
	`algorithm` text NOT NULL,
	`public_key_pem` text NOT NULL,
	`fingerprint` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "signing_keys_algorithm_check" CHECK("signing_keys"."algorithm" IN ('ecdsa-p256', 'ed25519'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signing_keys_environment_fingerprint_unique` ON `signing_keys` (`environment_id`,`fingerprint`);--> statement-breakpoint
CREATE UNIQUE INDEX `signing_keys_environment_name_unique` ON `signing_keys` (`environment_id`,`name`);--> statement-breakpoint
-- Added in place, not by rebuilding the table as drizzle-kit would: environments and
-- container_images are the parents of most rows, and a rebuild drops them (its copy also read
-- the new column from the old table). A column CHECK does what the schema's table CHECK says.
ALTER TABLE `container_images` ADD `signature_policy` text CONSTRAINT "container_images_signature_policy_check" CHECK("signature_policy" IS NULL OR "signature_policy" IN ('off', 'warn', 'enforce'));--> statement-breakpoint
ALTER TABLE `deployment_history` ADD `signature` text;--> statement-breakpoint
ALTER TABLE `deployment_plans` ADD `signature` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `signature_policy` text DEFAULT 'off' NOT NULL CONSTRAINT "environments_signature_policy_check" CHECK("signature_policy" IN ('off', 'warn', 'enforce'));
