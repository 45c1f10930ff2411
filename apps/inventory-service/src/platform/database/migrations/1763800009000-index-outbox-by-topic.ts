import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The dashboard's recent logistics commands read the outbox by (topic, id), newest first, however many dead letters sit beside them. */
export class IndexOutboxByTopic1763800009000 implements MigrationInterface {
  name = 'IndexOutboxByTopic1763800009000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX outbox_topic_id_idx ON outbox (topic, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX outbox_topic_id_idx`);
  }
}
