import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An order id too long for readable fulfillment ids (`F-<orderId>-<n>` must leave a command id within
 * the contract's 200 characters) is named in them by its SHA-256 digest (`F~<digest>-<n>`). Feedback
 * for such a fulfillment finds its order here; the row is written in the transaction that mints the id.
 */
export class CreateOrderIdDigests1763800011100 implements MigrationInterface {
  name = 'CreateOrderIdDigests1763800011100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE order_id_digests (digest text PRIMARY KEY, order_id text NOT NULL)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE order_id_digests`);
  }
}
