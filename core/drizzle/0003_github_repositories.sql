CREATE TABLE `github_repositories` (
	`id` text PRIMARY KEY NOT NULL,
	`repository` text NOT NULL,
	`images` text NOT NULL,
	`default_environment` text NOT NULL,
	`environments` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `github_repositories_repository_unique` ON `github_repositories` (`repository`);