import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stranger / known-person events: a dataset's event subscription, and the events themselves. An event row is
 * written in the transaction that stores the face, and is the delivery's outbox (pending -> delivered | failed);
 * strangers also keep their embedding (to recognise the same stranger within the window) and thumbnail (the
 * dashboard and the event's link show it even after the file is deleted).
 */
export class FaceEvents1796140000000 implements MigrationInterface {
  name = 'FaceEvents1796140000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "datasets" ADD "event_subscription" jsonb`);
    await queryRunner.query(`CREATE TABLE "face_events" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "dataset_id" uuid NOT NULL,
      "kind" character varying(16) NOT NULL,
      "figure_id" uuid NOT NULL,
      "uri" character varying(1100) NOT NULL,
      "boundary" jsonb NOT NULL,
      "similarity" real NOT NULL,
      "cluster_id" uuid,
      "embedding" bytea,
      "thumbnail" bytea,
      "thumbnail_token" character varying(64) NOT NULL,
      "sightings" integer NOT NULL DEFAULT 1,
      "last_seen_time" timestamptz NOT NULL DEFAULT now(),
      "create_time" timestamptz NOT NULL DEFAULT now(),
      "delivery_state" character varying(16) NOT NULL,
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_time" timestamptz NOT NULL DEFAULT now(),
      "last_error" text,
      "delivered_time" timestamptz,
      CONSTRAINT "PK_face_events" PRIMARY KEY ("id"),
      CONSTRAINT "FK_face_events_dataset" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE,
      CONSTRAINT "CK_face_events_kind" CHECK ("kind" IN ('Stranger', 'KnownPerson')),
      CONSTRAINT "CK_face_events_delivery" CHECK ("delivery_state" IN ('pending', 'delivered', 'failed', 'none'))
    )`);
    await queryRunner.query(
      `CREATE INDEX "ix_face_events_dataset_kind_time" ON "face_events" ("dataset_id", "kind", "create_time")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_face_events_due" ON "face_events" ("next_attempt_time") WHERE "delivery_state" = 'pending'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "face_events"`);
    await queryRunner.query(`ALTER TABLE "datasets" DROP COLUMN "event_subscription"`);
  }
}
