import { Module } from '@nestjs/common';

/**
 * The stock-item write side. It has no providers of its own yet: stock items change inside the
 * unit of work of whoever applies an event (ingestion's batches, fulfillment's use cases), through
 * the functions its index exports.
 */
@Module({})
export class StockModule {}
