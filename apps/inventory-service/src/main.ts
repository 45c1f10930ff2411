import 'reflect-metadata';
import { startInventoryService } from './bootstrap';
import { loadEnvFile } from './platform/config';
import { InvalidConfigurationError, loadServiceConfig } from './platform/config';
import { rootLoggerFor } from './platform/logging';

async function main(): Promise<void> {
  let config;
  try {
    loadEnvFile(); // .env in the working directory; variables already set win
    config = loadServiceConfig();
  } catch (error) {
    if (error instanceof InvalidConfigurationError) {
      process.stderr.write(`${error.message}\nSee .env.example for every setting and its default.\n`);
      process.exit(2);
    }
    throw error;
  }
  try {
    await startInventoryService(config);
  } catch (error) {
    // A JSON line like every other (buffered lines are flushed on exit).
    rootLoggerFor(config.logging).fatal({ context: 'InventoryService', err: error }, 'inventory-service failed to start');
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`inventory-service failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
