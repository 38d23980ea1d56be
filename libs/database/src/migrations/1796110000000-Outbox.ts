import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox (see OutboxRepository): events written in the same transaction as the state change
 * they announce, relayed to the notify queue until dispatched.
 */
export class Outbox1796110000000 implements MigrationInterface {
  name = 'Outbox1796110000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "outbox" (
      "id" bigserial NOT NULL,
      "event_id" character varying(128) NOT NULL,
      "event_type" character varying(128) NOT NULL,
      "destination" text NOT NULL,
      "payload" jsonb NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "dispatched_at" TIMESTAMP WITH TIME ZONE,
      "last_error" text,
      CONSTRAINT "PK_outbox" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_outbox_event_id" UNIQUE ("event_id")
    )`);
    await queryRunner.query(
      `CREATE INDEX "ix_outbox_pending" ON "outbox" ("next_attempt_at") WHERE "dispatched_at" IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "outbox"`);
  }
}
