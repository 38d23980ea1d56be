import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AccessKey pairs for signed requests. The secret is stored encrypted (AES-256-GCM with a key from the
 * environment), never in clear; `projects` NULL means every project. Revoked keys stay for the audit trail.
 */
export class AccessKeys1796150000000 implements MigrationInterface {
  name = 'AccessKeys1796150000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "access_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "access_key_id" character varying(64) NOT NULL,
        "secret_ciphertext" text NOT NULL,
        "projects" character varying(128)[],
        "description" character varying(256) NOT NULL DEFAULT '',
        "create_time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "revoked_time" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_access_keys" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_access_keys_access_key_id" UNIQUE ("access_key_id")
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "access_keys"`);
  }
}
