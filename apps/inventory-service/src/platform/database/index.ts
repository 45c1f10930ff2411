// The public face of platform/database: what other areas may import. Inside platform/database, files import each other directly.
export { createDataSource, maintenanceLimits, migrateDatabase } from './data-source';
export { DatabaseModule } from './database.module';
export { ensureDatabaseAndSchema } from './ensure-database';
export { HttpReads } from './http-reads';
export { InlineViewWrites, type ViewWrite } from './inline-view-writes';
