-- Swarm managers (servers.mode 'swarm', reached by socket_path or host and username) and Swarm
-- services (services.kind 'swarm-service'). No column is added: only CHECK constraints change,
-- which SQLite cannot ALTER, so both tables are rebuilt with the same columns. That is safe only
-- with foreign keys off for the whole file: dropping `services` with them on would cascade into
-- service_dependencies, dropping `servers` into server_registry_logins. The store's migrator
-- (libsql's migrate) turns them off around its transaction, where the PRAGMAs below are no-ops;
-- for a runner applying the statements one by one, they stay off until both tables are rebuilt
-- (drizzle-kit turned them back on between the two).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_servers` (
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
	CONSTRAINT "servers_mode_check" CHECK("__new_servers"."mode" IN ('ssh', 'socket', 'swarm')),
	CONSTRAINT "servers_auth_kind_check" CHECK("__new_servers"."auth_kind" IS NULL OR "__new_servers"."auth_kind" IN ('key', 'password')),
	CONSTRAINT "servers_ssh_target_check" CHECK("__new_servers"."mode" <> 'ssh' OR ("__new_servers"."host" IS NOT NULL AND "__new_servers"."username" IS NOT NULL)),
	CONSTRAINT "servers_swarm_target_check" CHECK("__new_servers"."mode" <> 'swarm' OR "__new_servers"."socket_path" IS NOT NULL OR ("__new_servers"."host" IS NOT NULL AND "__new_servers"."username" IS NOT NULL)),
	CONSTRAINT "servers_port_check" CHECK("__new_servers"."port" BETWEEN 1 AND 65535),
	CONSTRAINT "servers_auth_pair_check" CHECK(("__new_servers"."auth_kind" IS NULL) = ("__new_servers"."secret_ciphertext" IS NULL))
);
--> statement-breakpoint
INSERT INTO `__new_servers`("id", "environment_id", "name", "mode", "host", "port", "username", "auth_kind", "secret_ciphertext", "host_key_fingerprint", "socket_path", "docker_socket_path", "platform", "created_at", "updated_at") SELECT "id", "environment_id", "name", "mode", "host", "port", "username", "auth_kind", "secret_ciphertext", "host_key_fingerprint", "socket_path", "docker_socket_path", "platform", "created_at", "updated_at" FROM `servers`;--> statement-breakpoint
DROP TABLE `servers`;--> statement-breakpoint
ALTER TABLE `__new_servers` RENAME TO `servers`;--> statement-breakpoint
CREATE UNIQUE INDEX `servers_environment_name_unique` ON `servers` (`environment_id`,`name`);--> statement-breakpoint
CREATE TABLE `__new_services` (
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
	CONSTRAINT "services_kind_check" CHECK("__new_services"."kind" IN ('container', 'compose', 'swarm-service'))
);
--> statement-breakpoint
INSERT INTO `__new_services`("id", "server_id", "container_image_id", "name", "container_name", "kind", "compose_file", "compose_service", "health_check", "deployed_digest", "created_at", "updated_at") SELECT "id", "server_id", "container_image_id", "name", "container_name", "kind", "compose_file", "compose_service", "health_check", "deployed_digest", "created_at", "updated_at" FROM `services`;--> statement-breakpoint
DROP TABLE `services`;--> statement-breakpoint
ALTER TABLE `__new_services` RENAME TO `services`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `services_image_idx` ON `services` (`container_image_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `services_server_container_unique` ON `services` (`server_id`,`container_name`);
