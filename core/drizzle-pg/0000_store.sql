CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"role" text DEFAULT 'admin' NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"last_used_at" timestamp (3) with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "api_tokens_role_check" CHECK ("api_tokens"."role" IN ('read', 'deploy', 'admin'))
);
--> statement-breakpoint
CREATE TABLE "container_images" (
	"id" text PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"name" text NOT NULL,
	"image_name" text NOT NULL,
	"tag_filter" text DEFAULT 'latest' NOT NULL,
	"registry_connection_id" text,
	"last_checked_at" timestamp (3) with time zone,
	"deployed_digest_id" text,
	"update_available" boolean DEFAULT false NOT NULL,
	"latest_digest_id" text,
	"latest_tag" text,
	"update_reason" text,
	"auto_update" boolean DEFAULT false NOT NULL,
	"signature_policy" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "container_images_environment_image_name_unique" UNIQUE("environment_id","image_name"),
	CONSTRAINT "container_images_signature_policy_check" CHECK ("container_images"."signature_policy" IS NULL OR "container_images"."signature_policy" IN ('off', 'warn', 'enforce'))
);
--> statement-breakpoint
CREATE TABLE "dashboard_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_hash" text NOT NULL,
	"api_token_id" text,
	"admin_token_mac" text,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"last_seen_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "dashboard_sessions_secret_hash_unique" UNIQUE("secret_hash"),
	CONSTRAINT "dashboard_sessions_role_check" CHECK ("dashboard_sessions"."role" IN ('read', 'deploy', 'admin')),
	CONSTRAINT "dashboard_sessions_token_check" CHECK (("dashboard_sessions"."api_token_id" IS NULL) <> ("dashboard_sessions"."admin_token_mac" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "deployment_history" (
	"id" text PRIMARY KEY NOT NULL,
	"container_image_id" text NOT NULL,
	"plan_id" text NOT NULL,
	"tag" text,
	"digest" text NOT NULL,
	"status" text NOT NULL,
	"deployed_at" timestamp (3) with time zone NOT NULL,
	"deployed_by" text NOT NULL,
	"deployment_count" integer NOT NULL,
	"total_duration_ms" bigint NOT NULL,
	"services" jsonb NOT NULL,
	"signature" jsonb,
	CONSTRAINT "deployment_history_status_check" CHECK ("deployment_history"."status" IN ('success', 'failed', 'rolled_back'))
);
--> statement-breakpoint
CREATE TABLE "deployment_plans" (
	"id" text PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"container_image_id" text NOT NULL,
	"image_digest_id" text,
	"target_digest" text NOT NULL,
	"target_tag" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"auto_rollback" boolean NOT NULL,
	"parallel" boolean DEFAULT false NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"trigger" text NOT NULL,
	"triggered_by" text NOT NULL,
	"trigger_context" jsonb,
	"plan" jsonb NOT NULL,
	"error" text,
	"rollback_outcome" text,
	"signature" jsonb,
	"lease_owner" text,
	"lease_expires_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	CONSTRAINT "deployment_plans_status_check" CHECK ("deployment_plans"."status" IN ('pending', 'running', 'success', 'failed', 'rolled_back', 'rollback_failed', 'cancelled')),
	CONSTRAINT "deployment_plans_trigger_check" CHECK ("deployment_plans"."trigger" IN ('api', 'webhook', 'schedule', 'pr_comment', 'action', 'auto_update'))
);
--> statement-breakpoint
CREATE TABLE "deployment_steps" (
	"id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"service_id" text NOT NULL,
	"level" integer NOT NULL,
	"position" integer NOT NULL,
	"action" text DEFAULT 'deploy' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"from_digest" text,
	"to_digest" text NOT NULL,
	"previous_container_id" text,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"duration_ms" bigint,
	"health" text,
	"log" text DEFAULT '' NOT NULL,
	"error" text,
	CONSTRAINT "deployment_steps_action_check" CHECK ("deployment_steps"."action" IN ('deploy', 'rollback')),
	CONSTRAINT "deployment_steps_status_check" CHECK ("deployment_steps"."status" IN ('pending', 'running', 'success', 'failed', 'skipped', 'rolled_back', 'unchanged')),
	CONSTRAINT "deployment_steps_health_check" CHECK ("deployment_steps"."health" IS NULL OR "deployment_steps"."health" IN ('healthy', 'unhealthy'))
);
--> statement-breakpoint
CREATE TABLE "environments" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"auto_prune_images" boolean DEFAULT false NOT NULL,
	"prune_images_mode" text DEFAULT 'dangling' NOT NULL,
	"signature_policy" text DEFAULT 'off' NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "environments_name_unique" UNIQUE("name"),
	CONSTRAINT "environments_prune_images_mode_check" CHECK ("environments"."prune_images_mode" IN ('dangling', 'all')),
	CONSTRAINT "environments_signature_policy_check" CHECK ("environments"."signature_policy" IN ('off', 'warn', 'enforce'))
);
--> statement-breakpoint
CREATE TABLE "github_repositories" (
	"id" text PRIMARY KEY NOT NULL,
	"repository" text NOT NULL,
	"images" jsonb NOT NULL,
	"default_environment" text NOT NULL,
	"environments" jsonb,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "github_repositories_repository_unique" UNIQUE("repository")
);
--> statement-breakpoint
CREATE TABLE "image_digest_platforms" (
	"image_digest_id" text NOT NULL,
	"os" text NOT NULL,
	"architecture" text NOT NULL,
	"variant" text,
	"digest" text NOT NULL,
	"size" bigint,
	CONSTRAINT "image_digest_platforms_pk" PRIMARY KEY("image_digest_id","digest")
);
--> statement-breakpoint
CREATE TABLE "image_digests" (
	"id" text PRIMARY KEY NOT NULL,
	"container_image_id" text NOT NULL,
	"manifest_digest" text NOT NULL,
	"media_type" text NOT NULL,
	"config_digest" text,
	"tags" jsonb NOT NULL,
	"size" bigint,
	"pushed_at" timestamp (3) with time zone NOT NULL,
	"pushed_at_source" text NOT NULL,
	"discovered_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "image_digests_image_manifest_unique" UNIQUE("container_image_id","manifest_digest"),
	CONSTRAINT "image_digests_pushed_at_source_check" CHECK ("image_digests"."pushed_at_source" IN ('registry', 'config', 'first_seen'))
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"dedupe_key" text,
	"coalesce_key" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 5 NOT NULL,
	"run_at" timestamp (3) with time zone NOT NULL,
	"locked_by" text,
	"locked_until" timestamp (3) with time zone,
	"last_error" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "jobs_dedupe_key_unique" UNIQUE("dedupe_key"),
	CONSTRAINT "jobs_status_check" CHECK ("jobs"."status" IN ('queued', 'running', 'done', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "locks" (
	"scope" text PRIMARY KEY NOT NULL,
	"plan_id" text,
	"holder" text NOT NULL,
	"reason" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "notification_channels" (
	"id" text PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"events" jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"target" jsonb NOT NULL,
	"secret_ciphertext" text NOT NULL,
	"secret_fields" jsonb NOT NULL,
	"failing_since" timestamp (3) with time zone,
	"failing_reported_at" timestamp (3) with time zone,
	"last_error" text,
	"last_delivered_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "notification_channels_environment_name_unique" UNIQUE("environment_id","name"),
	CONSTRAINT "notification_channels_kind_check" CHECK ("notification_channels"."kind" IN ('slack', 'discord', 'webhook', 'email'))
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"channel_id" text NOT NULL,
	"event" text NOT NULL,
	"fold_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"folded" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"locked_by" text,
	"last_error" text,
	"response_status" integer,
	"delivered_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "notification_deliveries_status_check" CHECK ("notification_deliveries"."status" IN ('queued', 'sending', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "plan_events" (
	"plan_id" text NOT NULL,
	"seq" integer NOT NULL,
	"event" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "plan_events_pk" PRIMARY KEY("plan_id","seq")
);
--> statement-breakpoint
CREATE TABLE "registry_connections" (
	"id" text PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"registry_url" text NOT NULL,
	"repository_prefix" text,
	"is_default" boolean DEFAULT false NOT NULL,
	"refresh_interval_minutes" integer DEFAULT 30 NOT NULL,
	"auto_link_pattern" text,
	"active_credential_version" integer,
	"secret_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"auth_changed_at" timestamp (3) with time zone NOT NULL,
	"last_sync_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "registry_connections_environment_name_unique" UNIQUE("environment_id","name"),
	CONSTRAINT "registry_connections_type_check" CHECK ("registry_connections"."type" IN ('generic', 'dockerhub', 'digitalocean', 'ghcr', 'ecr', 'gcr', 'gar', 'acr', 'quay', 'public')),
	CONSTRAINT "registry_connections_refresh_interval_check" CHECK ("registry_connections"."refresh_interval_minutes" BETWEEN 5 AND 1440)
);
--> statement-breakpoint
CREATE TABLE "registry_credentials" (
	"id" text PRIMARY KEY NOT NULL,
	"registry_connection_id" text NOT NULL,
	"version" integer NOT NULL,
	"ciphertext" text NOT NULL,
	"secret_fields" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "registry_credentials_version_unique" UNIQUE("registry_connection_id","version")
);
--> statement-breakpoint
CREATE TABLE "registry_sync_health" (
	"registry_connection_id" text PRIMARY KEY NOT NULL,
	"consecutive_failures" integer NOT NULL,
	"last_error" text,
	"reported_at" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "server_registry_logins" (
	"server_id" text NOT NULL,
	"registry_connection_id" text NOT NULL,
	"credential_version" integer NOT NULL,
	"logged_in_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "server_registry_logins_pk" PRIMARY KEY("server_id","registry_connection_id")
);
--> statement-breakpoint
CREATE TABLE "servers" (
	"id" text PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"name" text NOT NULL,
	"mode" text NOT NULL,
	"host" text,
	"port" integer DEFAULT 22 NOT NULL,
	"username" text,
	"auth_kind" text,
	"secret_ciphertext" text,
	"host_key_fingerprint" text,
	"socket_path" text,
	"docker_socket_path" text DEFAULT '/var/run/docker.sock' NOT NULL,
	"platform" text,
	"api_server_url" text,
	"ca_certificate" text,
	"namespace" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "servers_environment_name_unique" UNIQUE("environment_id","name"),
	CONSTRAINT "servers_mode_check" CHECK ("servers"."mode" IN ('ssh', 'socket', 'swarm', 'kubernetes')),
	CONSTRAINT "servers_auth_kind_check" CHECK ("servers"."auth_kind" IS NULL OR "servers"."auth_kind" IN ('key', 'password', 'token', 'client-certificate')),
	CONSTRAINT "servers_ssh_target_check" CHECK ("servers"."mode" <> 'ssh' OR ("servers"."host" IS NOT NULL AND "servers"."username" IS NOT NULL)),
	CONSTRAINT "servers_swarm_target_check" CHECK ("servers"."mode" <> 'swarm' OR "servers"."socket_path" IS NOT NULL OR ("servers"."host" IS NOT NULL AND "servers"."username" IS NOT NULL)),
	CONSTRAINT "servers_kubernetes_target_check" CHECK ("servers"."mode" <> 'kubernetes' OR "servers"."api_server_url" IS NOT NULL),
	CONSTRAINT "servers_port_check" CHECK ("servers"."port" BETWEEN 1 AND 65535),
	CONSTRAINT "servers_auth_pair_check" CHECK (("servers"."auth_kind" IS NULL) = ("servers"."secret_ciphertext" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "service_dependencies" (
	"service_id" text NOT NULL,
	"depends_on_service_id" text NOT NULL,
	CONSTRAINT "service_dependencies_pk" PRIMARY KEY("service_id","depends_on_service_id"),
	CONSTRAINT "service_dependencies_not_self_check" CHECK ("service_dependencies"."service_id" <> "service_dependencies"."depends_on_service_id")
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" text PRIMARY KEY NOT NULL,
	"server_id" text NOT NULL,
	"container_image_id" text NOT NULL,
	"name" text NOT NULL,
	"container_name" text NOT NULL,
	"kind" text DEFAULT 'container' NOT NULL,
	"compose_file" text,
	"compose_service" text,
	"health_check" jsonb,
	"deployed_digest" text,
	"namespace" text,
	"workload_kind" text,
	"workload_container" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "services_kind_check" CHECK ("services"."kind" IN ('container', 'compose', 'swarm-service', 'k8s-workload')),
	CONSTRAINT "services_workload_check" CHECK (("services"."kind" = 'k8s-workload') = ("services"."namespace" IS NOT NULL AND "services"."workload_kind" IS NOT NULL AND "services"."workload_container" IS NOT NULL)),
	CONSTRAINT "services_workload_kind_check" CHECK ("services"."workload_kind" IS NULL OR "services"."workload_kind" IN ('Deployment', 'StatefulSet', 'DaemonSet'))
);
--> statement-breakpoint
CREATE TABLE "signature_verifications" (
	"container_image_id" text NOT NULL,
	"manifest_digest" text NOT NULL,
	"key_set" text NOT NULL,
	"status" text NOT NULL,
	"key_id" text,
	"key_name" text,
	"kind" text,
	"reason" text,
	"checked_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "signature_verifications_pk" PRIMARY KEY("container_image_id","manifest_digest"),
	CONSTRAINT "signature_verifications_status_check" CHECK ("signature_verifications"."status" IN ('verified', 'unsigned', 'untrusted', 'mismatch', 'corrupt', 'malformed', 'error')),
	CONSTRAINT "signature_verifications_kind_check" CHECK ("signature_verifications"."kind" IS NULL OR "signature_verifications"."kind" IN ('cosign', 'bundle'))
);
--> statement-breakpoint
CREATE TABLE "signing_key_events" (
	"id" text PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"key_id" text NOT NULL,
	"key_name" text NOT NULL,
	"fingerprint" text NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "signing_key_events_action_check" CHECK ("signing_key_events"."action" IN ('added', 'removed'))
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"name" text NOT NULL,
	"algorithm" text NOT NULL,
	"public_key_pem" text NOT NULL,
	"fingerprint" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "signing_keys_environment_fingerprint_unique" UNIQUE("environment_id","fingerprint"),
	CONSTRAINT "signing_keys_environment_name_unique" UNIQUE("environment_id","name"),
	CONSTRAINT "signing_keys_algorithm_check" CHECK ("signing_keys"."algorithm" IN ('ecdsa-p256', 'ed25519'))
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"delivery_key" text NOT NULL,
	"outcome" text NOT NULL,
	"pushes" jsonb NOT NULL,
	"job_ids" jsonb NOT NULL,
	"detail" text,
	"received_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "webhook_deliveries_outcome_check" CHECK ("webhook_deliveries"."outcome" IN ('queued', 'ignored'))
);
--> statement-breakpoint
ALTER TABLE "container_images" ADD CONSTRAINT "container_images_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "container_images" ADD CONSTRAINT "container_images_registry_connection_id_registry_connections_id_fk" FOREIGN KEY ("registry_connection_id") REFERENCES "public"."registry_connections"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "container_images" ADD CONSTRAINT "container_images_deployed_digest_id_image_digests_id_fk" FOREIGN KEY ("deployed_digest_id") REFERENCES "public"."image_digests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "container_images" ADD CONSTRAINT "container_images_latest_digest_id_image_digests_id_fk" FOREIGN KEY ("latest_digest_id") REFERENCES "public"."image_digests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dashboard_sessions" ADD CONSTRAINT "dashboard_sessions_api_token_id_api_tokens_id_fk" FOREIGN KEY ("api_token_id") REFERENCES "public"."api_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_history" ADD CONSTRAINT "deployment_history_container_image_id_container_images_id_fk" FOREIGN KEY ("container_image_id") REFERENCES "public"."container_images"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_history" ADD CONSTRAINT "deployment_history_plan_id_deployment_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."deployment_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_plans" ADD CONSTRAINT "deployment_plans_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_plans" ADD CONSTRAINT "deployment_plans_container_image_id_container_images_id_fk" FOREIGN KEY ("container_image_id") REFERENCES "public"."container_images"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_plans" ADD CONSTRAINT "deployment_plans_image_digest_id_image_digests_id_fk" FOREIGN KEY ("image_digest_id") REFERENCES "public"."image_digests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_steps" ADD CONSTRAINT "deployment_steps_plan_id_deployment_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."deployment_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "image_digest_platforms" ADD CONSTRAINT "image_digest_platforms_image_digest_id_image_digests_id_fk" FOREIGN KEY ("image_digest_id") REFERENCES "public"."image_digests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "image_digests" ADD CONSTRAINT "image_digests_container_image_id_container_images_id_fk" FOREIGN KEY ("container_image_id") REFERENCES "public"."container_images"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "locks" ADD CONSTRAINT "locks_plan_id_deployment_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."deployment_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_channels" ADD CONSTRAINT "notification_channels_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_channel_id_notification_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."notification_channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_events" ADD CONSTRAINT "plan_events_plan_id_deployment_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."deployment_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_connections" ADD CONSTRAINT "registry_connections_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_credentials" ADD CONSTRAINT "registry_credentials_registry_connection_id_registry_connections_id_fk" FOREIGN KEY ("registry_connection_id") REFERENCES "public"."registry_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_sync_health" ADD CONSTRAINT "registry_sync_health_registry_connection_id_registry_connections_id_fk" FOREIGN KEY ("registry_connection_id") REFERENCES "public"."registry_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "server_registry_logins" ADD CONSTRAINT "server_registry_logins_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "server_registry_logins" ADD CONSTRAINT "server_registry_logins_registry_connection_id_registry_connections_id_fk" FOREIGN KEY ("registry_connection_id") REFERENCES "public"."registry_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "servers" ADD CONSTRAINT "servers_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_dependencies" ADD CONSTRAINT "service_dependencies_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_dependencies" ADD CONSTRAINT "service_dependencies_depends_on_service_id_services_id_fk" FOREIGN KEY ("depends_on_service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_container_image_id_container_images_id_fk" FOREIGN KEY ("container_image_id") REFERENCES "public"."container_images"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signature_verifications" ADD CONSTRAINT "signature_verifications_container_image_id_container_images_id_fk" FOREIGN KEY ("container_image_id") REFERENCES "public"."container_images"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signing_key_events" ADD CONSTRAINT "signing_key_events_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signing_keys" ADD CONSTRAINT "signing_keys_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_created_idx" ON "api_tokens" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "container_images_registry_idx" ON "container_images" USING btree ("registry_connection_id");--> statement-breakpoint
CREATE INDEX "dashboard_sessions_token_idx" ON "dashboard_sessions" USING btree ("api_token_id");--> statement-breakpoint
CREATE INDEX "dashboard_sessions_expires_idx" ON "dashboard_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "deployment_history_image_deployed_idx" ON "deployment_history" USING btree ("container_image_id","deployed_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "deployment_plans_image_created_idx" ON "deployment_plans" USING btree ("container_image_id","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "deployment_plans_status_idx" ON "deployment_plans" USING btree ("status");--> statement-breakpoint
CREATE INDEX "deployment_steps_plan_order_idx" ON "deployment_steps" USING btree ("plan_id","level","position");--> statement-breakpoint
CREATE UNIQUE INDEX "environments_name_lower_unique" ON "environments" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "image_digests_image_pushed_at_idx" ON "image_digests" USING btree ("container_image_id","pushed_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "jobs_status_run_at_idx" ON "jobs" USING btree ("status","run_at");--> statement-breakpoint
CREATE INDEX "jobs_status_kind_run_at_idx" ON "jobs" USING btree ("status","kind","run_at");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_queued_coalesce_key_idx" ON "jobs" USING btree ("coalesce_key") WHERE "jobs"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "jobs_coalesce_key_status_idx" ON "jobs" USING btree ("coalesce_key","status") WHERE "jobs"."coalesce_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "notification_deliveries_unfinished_idx" ON "notification_deliveries" USING btree ("channel_id","created_at","id") WHERE "notification_deliveries"."status" IN ('queued', 'sending');--> statement-breakpoint
CREATE INDEX "notification_deliveries_fold_idx" ON "notification_deliveries" USING btree ("fold_key","status");--> statement-breakpoint
CREATE INDEX "notification_deliveries_channel_idx" ON "notification_deliveries" USING btree ("channel_id","created_at");--> statement-breakpoint
CREATE INDEX "notification_deliveries_updated_idx" ON "notification_deliveries" USING btree ("updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "registry_connections_one_default" ON "registry_connections" USING btree ("environment_id") WHERE "registry_connections"."is_default";--> statement-breakpoint
CREATE INDEX "service_dependencies_depends_on_idx" ON "service_dependencies" USING btree ("depends_on_service_id");--> statement-breakpoint
CREATE UNIQUE INDEX "services_server_container_unique" ON "services" USING btree ("server_id",coalesce("namespace", ''),coalesce("workload_kind", ''),"container_name",coalesce("workload_container", ''));--> statement-breakpoint
CREATE INDEX "services_image_idx" ON "services" USING btree ("container_image_id");--> statement-breakpoint
CREATE INDEX "signing_key_events_environment_at_idx" ON "signing_key_events" USING btree ("environment_id","at" DESC NULLS FIRST);--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_source_key_idx" ON "webhook_deliveries" USING btree ("source","delivery_key");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_received_idx" ON "webhook_deliveries" USING btree ("received_at");