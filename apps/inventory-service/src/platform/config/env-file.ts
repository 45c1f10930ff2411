import { existsSync } from 'node:fs';

/**
 * Read `.env` from the working directory into process.env, as .env.example promises, for the service
 * and the CLI alike. A variable already in the environment wins over the file's line (Node's own
 * process.loadEnvFile keeps what is set). No file: nothing happens. Returns whether a file was read.
 */
export function loadEnvFile(path = '.env'): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}
