import 'reflect-metadata';
import { SqlReader, TypeOrmSqlReader } from '@app/event-store';
import { Controller, Get, Inject, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createDataSource } from '../apps/inventory-service/src/platform/database/data-source';

/**
 * The query benchmark's baseline: the same HTTP stack (NestJS on Express) and the same database
 * access (TypeORM's pg pool), answering GET /v1/stock/{sku} with one indexed SELECT and nothing else.
 */
@Controller('v1/stock')
class BareStockController {
  constructor(@Inject(SqlReader) private readonly reads: SqlReader) {}

  @Get(':sku')
  async stock(@Param('sku') sku: string) {
    return {
      sku,
      locations: await this.reads.query('SELECT location_id, on_hand, reserved, in_transit FROM stock_levels WHERE sku = $1', [sku]),
    };
  }
}

async function main(): Promise<void> {
  const dataSource = createDataSource({ database: { url: process.env.DATABASE_URL!, schema: process.env.DATABASE_SCHEMA!, poolSize: 10 } });
  await dataSource.initialize();
  @Module({ controllers: [BareStockController], providers: [{ provide: SqlReader, useValue: new TypeOrmSqlReader(dataSource) }] })
  class BareModule {}
  const app = await NestFactory.create(BareModule, { logger: ['error'] });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.stdout.write('bare endpoint ready\n');
}

void main();
