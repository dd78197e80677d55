CREATE TABLE "plan_events" (
	"plan_id" text NOT NULL,
	"seq" integer NOT NULL,
	"event" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "plan_events_pk" PRIMARY KEY("plan_id","seq")
);
--> statement-breakpoint
ALTER TABLE "plan_events" ADD CONSTRAINT "plan_events_plan_id_deployment_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."deployment_plans"("id") ON DELETE cascade ON UPDATE no action;