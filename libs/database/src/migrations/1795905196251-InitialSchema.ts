import { MigrationInterface, QueryRunner } from "typeorm";

export class InitialSchema1795905196251 implements MigrationInterface {
    name = 'InitialSchema1795905196251'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "projects" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(128) NOT NULL, "description" character varying(256) NOT NULL DEFAULT '', "service_role" character varying(256) NOT NULL DEFAULT 'AliyunIMMDefaultRole', "template_id" character varying(128) NOT NULL DEFAULT '', "settings" jsonb NOT NULL DEFAULT '{}', "tags" jsonb NOT NULL DEFAULT '[]', "create_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "update_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_2187088ab5ef2a918473cb99007" UNIQUE ("name"), CONSTRAINT "PK_6271df0a7aed1d6c0691ce6ac50" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "datasets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "project_id" uuid NOT NULL, "name" character varying(128) NOT NULL, "description" character varying(256) NOT NULL DEFAULT '', "template_id" character varying(128) NOT NULL DEFAULT '', "settings" jsonb NOT NULL DEFAULT '{}', "cluster_generation" integer NOT NULL DEFAULT '0', "create_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "update_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1bf831e43c559a240303e23d038" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_datasets_project_name" ON "datasets" ("project_id", "name") `);
        await queryRunner.query(`CREATE TABLE "bindings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "dataset_id" uuid NOT NULL, "uri" character varying(1100) NOT NULL, "bucket" character varying(63) NOT NULL, "prefix" character varying(1024) NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'Running', "phase" character varying(16) NOT NULL DEFAULT 'FullScanning', "reason" text NOT NULL DEFAULT '', "scanned_count" integer NOT NULL DEFAULT '0', "create_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "update_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c580f1a9caf6a792151ed1f263d" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_bindings_bucket_prefix" ON "bindings" ("bucket", "prefix") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_bindings_dataset_uri" ON "bindings" ("dataset_id", "uri") `);
        await queryRunner.query(`CREATE TABLE "cluster_changes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "dataset_id" uuid NOT NULL, "task_id" character varying(128), "kind" character varying(16) NOT NULL, "from_cluster_id" uuid, "into_cluster_id" uuid, "reason" text NOT NULL DEFAULT '', "create_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2cbce97428ac928d590507fd212" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_cluster_changes_dataset_time" ON "cluster_changes" ("dataset_id", "create_time") `);
        await queryRunner.query(`CREATE TABLE "figure_clusters" ("id" uuid NOT NULL, "dataset_id" uuid NOT NULL, "name" character varying(256) NOT NULL DEFAULT '', "custom_labels" jsonb NOT NULL DEFAULT '{}', "meta_lock_version" integer NOT NULL DEFAULT '0', "face_count" integer NOT NULL DEFAULT '0', "image_count" integer NOT NULL DEFAULT '0', "video_count" integer NOT NULL DEFAULT '0', "gender" character varying(16), "average_age" real, "min_age" real, "max_age" real, "cover_figure_id" uuid, "summary" bytea, "create_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "update_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_79d3b6f29d9b882334a0b25b6d7" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_figure_clusters_dataset_face_count" ON "figure_clusters" ("dataset_id", "face_count") `);
        await queryRunner.query(`CREATE INDEX "ix_figure_clusters_dataset_update_time" ON "figure_clusters" ("dataset_id", "update_time") `);
        await queryRunner.query(`CREATE INDEX "ix_figure_clusters_dataset_create_time" ON "figure_clusters" ("dataset_id", "create_time") `);
        await queryRunner.query(`CREATE TABLE "files" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "dataset_id" uuid NOT NULL, "uri" character varying(1100) NOT NULL, "bucket" character varying(63) NOT NULL, "object_key" character varying(1024) NOT NULL, "custom_id" character varying(1024), "custom_labels" jsonb NOT NULL DEFAULT '{}', "extra" jsonb NOT NULL DEFAULT '{}', "status" character varying(16) NOT NULL DEFAULT 'pending', "error_code" character varying(128), "error_message" text, "etag" character varying(128), "size" bigint, "content_type" character varying(128), "media_type" character varying(16) NOT NULL DEFAULT 'image', "image_width" integer, "image_height" integer, "image_format" character varying(16), "figure_count" integer NOT NULL DEFAULT '0', "user_data" text, "file_modified_time" TIMESTAMP WITH TIME ZONE, "indexed_time" TIMESTAMP WITH TIME ZONE, "create_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "update_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6c16b9093a142e0e7613b04a3d9" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_files_bucket_key" ON "files" ("bucket", "object_key") `);
        await queryRunner.query(`CREATE INDEX "ix_files_dataset_status" ON "files" ("dataset_id", "status") `);
        await queryRunner.query(`CREATE INDEX "ix_files_dataset_create_time" ON "files" ("dataset_id", "create_time") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_files_dataset_uri" ON "files" ("dataset_id", "uri") `);
        await queryRunner.query(`CREATE TABLE "figures" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "file_id" uuid NOT NULL, "dataset_id" uuid NOT NULL, "cluster_id" uuid, "cluster_state" character varying(16) NOT NULL DEFAULT 'unavailable', "face_index" integer NOT NULL DEFAULT '0', "box_left" integer NOT NULL, "box_top" integer NOT NULL, "box_width" integer NOT NULL, "box_height" integer NOT NULL, "figure_confidence" real NOT NULL, "age" real, "age_sd" real, "gender" character varying(8), "gender_confidence" real, "pitch" real, "roll" real, "yaw" real, "emotion" character varying(16), "emotion_confidence" real, "mouth" character varying(8), "mouth_confidence" real, "eyes_open" real, "sharpness" real, "face_quality" real NOT NULL, "is_hd" boolean NOT NULL DEFAULT false, "embedding" bytea NOT NULL, "thumbnail" bytea, "create_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b745dde5e3ec7f4242b0111c18a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_figures_dataset_state" ON "figures" ("dataset_id", "cluster_state") `);
        await queryRunner.query(`CREATE INDEX "ix_figures_cluster" ON "figures" ("cluster_id") `);
        await queryRunner.query(`CREATE INDEX "ix_figures_file" ON "figures" ("file_id") `);
        await queryRunner.query(`CREATE TABLE "tasks" ("id" character varying(128) NOT NULL, "project_id" uuid NOT NULL, "dataset_id" uuid, "task_type" character varying(64) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'Running', "code" character varying(128), "message" text, "progress" integer NOT NULL DEFAULT '0', "event_id" character varying(128) NOT NULL, "request_id" character varying(128), "user_data" text, "tags" jsonb NOT NULL DEFAULT '[]', "notification" jsonb, "details" jsonb NOT NULL DEFAULT '{}', "start_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "end_time" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_tasks_expires" ON "tasks" ("expires_at") `);
        await queryRunner.query(`CREATE INDEX "ix_tasks_project_type_start" ON "tasks" ("project_id", "task_type", "start_time") `);
        await queryRunner.query(`ALTER TABLE "datasets" ADD CONSTRAINT "FK_0bd61b0be85f417be961250475e" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bindings" ADD CONSTRAINT "FK_a68c0307967edf29c645bba38b5" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "cluster_changes" ADD CONSTRAINT "FK_6d725f97a346d12ddadcecb1873" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "figure_clusters" ADD CONSTRAINT "FK_99ee73ce0d1043d5cd1a22eb590" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "files" ADD CONSTRAINT "FK_3907f70c9175e5e87249d779f39" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "figures" ADD CONSTRAINT "FK_cdc1964dd4a05bc39eafb2e36d1" FOREIGN KEY ("file_id") REFERENCES "files"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "figures" ADD CONSTRAINT "FK_e658e4df790c16268c2e30831fa" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "figures" ADD CONSTRAINT "FK_106c8e8393b4f7ed2f6fad4b415" FOREIGN KEY ("cluster_id") REFERENCES "figure_clusters"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "tasks" ADD CONSTRAINT "FK_9eecdb5b1ed8c7c2a1b392c28d4" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "tasks" ADD CONSTRAINT "FK_cd4e4d569c26e64191917b00fb8" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "tasks" DROP CONSTRAINT "FK_cd4e4d569c26e64191917b00fb8"`);
        await queryRunner.query(`ALTER TABLE "tasks" DROP CONSTRAINT "FK_9eecdb5b1ed8c7c2a1b392c28d4"`);
        await queryRunner.query(`ALTER TABLE "figures" DROP CONSTRAINT "FK_106c8e8393b4f7ed2f6fad4b415"`);
        await queryRunner.query(`ALTER TABLE "figures" DROP CONSTRAINT "FK_e658e4df790c16268c2e30831fa"`);
        await queryRunner.query(`ALTER TABLE "figures" DROP CONSTRAINT "FK_cdc1964dd4a05bc39eafb2e36d1"`);
        await queryRunner.query(`ALTER TABLE "files" DROP CONSTRAINT "FK_3907f70c9175e5e87249d779f39"`);
        await queryRunner.query(`ALTER TABLE "figure_clusters" DROP CONSTRAINT "FK_99ee73ce0d1043d5cd1a22eb590"`);
        await queryRunner.query(`ALTER TABLE "cluster_changes" DROP CONSTRAINT "FK_6d725f97a346d12ddadcecb1873"`);
        await queryRunner.query(`ALTER TABLE "bindings" DROP CONSTRAINT "FK_a68c0307967edf29c645bba38b5"`);
        await queryRunner.query(`ALTER TABLE "datasets" DROP CONSTRAINT "FK_0bd61b0be85f417be961250475e"`);
        await queryRunner.query(`DROP INDEX "ix_tasks_project_type_start"`);
        await queryRunner.query(`DROP INDEX "ix_tasks_expires"`);
        await queryRunner.query(`DROP TABLE "tasks"`);
        await queryRunner.query(`DROP INDEX "ix_figures_file"`);
        await queryRunner.query(`DROP INDEX "ix_figures_cluster"`);
        await queryRunner.query(`DROP INDEX "ix_figures_dataset_state"`);
        await queryRunner.query(`DROP TABLE "figures"`);
        await queryRunner.query(`DROP INDEX "uq_files_dataset_uri"`);
        await queryRunner.query(`DROP INDEX "ix_files_dataset_create_time"`);
        await queryRunner.query(`DROP INDEX "ix_files_dataset_status"`);
        await queryRunner.query(`DROP INDEX "ix_files_bucket_key"`);
        await queryRunner.query(`DROP TABLE "files"`);
        await queryRunner.query(`DROP INDEX "ix_figure_clusters_dataset_create_time"`);
        await queryRunner.query(`DROP INDEX "ix_figure_clusters_dataset_update_time"`);
        await queryRunner.query(`DROP INDEX "ix_figure_clusters_dataset_face_count"`);
        await queryRunner.query(`DROP TABLE "figure_clusters"`);
        await queryRunner.query(`DROP INDEX "ix_cluster_changes_dataset_time"`);
        await queryRunner.query(`DROP TABLE "cluster_changes"`);
        await queryRunner.query(`DROP INDEX "uq_bindings_dataset_uri"`);
        await queryRunner.query(`DROP INDEX "ix_bindings_bucket_prefix"`);
        await queryRunner.query(`DROP TABLE "bindings"`);
        await queryRunner.query(`DROP INDEX "uq_datasets_project_name"`);
        await queryRunner.query(`DROP TABLE "datasets"`);
        await queryRunner.query(`DROP TABLE "projects"`);
    }

}
