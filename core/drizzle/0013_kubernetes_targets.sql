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
	`api_server_url` text,
	`ca_certificate` text,
	`namespace` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "servers_mode_check" CHECK("__new_servers"."mode" IN ('ssh', 'socket', 'swarm', 'kubernetes')),
	CONSTRAINT "servers_auth_kind_check" CHECK("__new_servers"."auth_kind" IS NULL OR "__new_servers"."auth_kind" IN ('key', 'password', 'token', 'client-certificate')),
	CONSTRAINT "servers_ssh_target_check" CHECK("__new_servers"."mode" <> 'ssh' OR ("__new_servers"."host" IS NOT NULL AND "__new_servers"."username" IS NOT NULL)),
	CONSTRAINT "servers_swarm_target_check" CHECK("__new_servers"."mode" <> 'swarm' OR "__new_servers"."socket_path" IS NOT NULL OR ("__new_servers"."host" IS NOT NULL AND "__new_servers"."username" IS NOT NULL)),
	CONSTRAINT "servers_kubernetes_target_check" CHECK("__new_servers"."mode" <> 'kubernetes' OR "__new_servers"."api_server_url" IS NOT NULL),
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
	`namespace` text,
	`workload_kind` text,
	`workload_container` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`container_image_id`) REFERENCES `container_images`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "services_kind_check" CHECK("__new_services"."kind" IN ('container', 'compose', 'swarm-service', 'k8s-workload')),
	CONSTRAINT "services_workload_check" CHECK(("__new_services"."kind" = 'k8s-workload') = ("__new_services"."namespace" IS NOT NULL AND "__new_services"."workload_kind" IS NOT NULL AND "__new_services"."workload_container" IS NOT NULL)),
	CONSTRAINT "services_workload_kind_check" CHECK("__new_services"."workload_kind" IS NULL OR "__new_services"."workload_kind" IN ('Deployment', 'StatefulSet', 'DaemonSet'))
);
--> statement-breakpoint
INSERT INTO `__new_services`("id", "server_id", "container_image_id", "name", "container_name", "kind", "compose_file", "compose_service", "health_check", "deployed_digest", "created_at", "updated_at") SELECT "id", "server_id", "container_image_id", "name", "container_name", "kind", "compose_file", "compose_service", "health_check", "deployed_digest", "created_at", "updated_at" FROM `services`;--> statement-breakpoint
DROP TABLE `services`;--> statement-breakpoint
ALTER TABLE `__new_services` RENAME TO `services`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `services_server_container_unique` ON `services` (`server_id`,coalesce("namespace", ''),coalesce("workload_kind", ''),`container_name`,coalesce("workload_container", ''));--> statement-breakpoint
CREATE INDEX `services_image_idx` ON `services` (`container_image_id`);