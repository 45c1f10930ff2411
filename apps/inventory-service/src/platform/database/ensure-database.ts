import { Client } from 'pg';

/**
 * Make sure the database named in the URL and the service's schema exist, so that a newcomer's
 * first start needs nothing but a running PostgreSQL server.
 */
export async function ensureDatabaseAndSchema(databaseUrl: string, schema: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  let client = new Client({ connectionString: databaseUrl });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    if ((error as { code?: string }).code !== '3D000') throw error; // 3D000: database does not exist
    const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    } catch (createError) {
      if ((createError as { code?: string }).code !== '42P04') throw createError; // created meanwhile
    } finally {
      await admin.end();
    }
    client = new Client({ connectionString: databaseUrl });
    await client.connect();
  }
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}

function withDatabase(url: URL, database: string): string {
  const copy = new URL(url.toString());
  copy.pathname = `/${database}`;
  return copy.toString();
}
