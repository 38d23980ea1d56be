import { MigrationInterface, QueryRunner } from 'typeorm';

/** IMM's binding phase `IncrementalScanning` is 19 characters: widen bindings.phase from varchar(16). */
export class WidenBindingPhase1795907000000 implements MigrationInterface {
  name = 'WidenBindingPhase1795907000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "bindings" ALTER COLUMN "phase" TYPE character varying(32)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "bindings" SET "phase" = left("phase", 16)`);
    await queryRunner.query(`ALTER TABLE "bindings" ALTER COLUMN "phase" TYPE character varying(16)`);
  }
}
