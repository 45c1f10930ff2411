import { TransactionRunner } from '@app/event-store';
import type { INestApplication } from '@nestjs/common';
import { issueOperatorKey } from '../../apps/inventory-service/src/platform/access/operator-keys';
import type { OperatorScope } from '../../apps/inventory-service/src/platform/access/operator-scopes';
import { runCli } from './built-apps';

let issued = 0;

/**
 * A new operator key in a running in-process service's own schema, through the same code the CLI
 * uses (scopes null: every operator scope). Names are unique per test process.
 */
export async function issueTestOperatorKey(
  app: INestApplication,
  scopes: readonly OperatorScope[] | null = null,
  name = `test-operator-${process.pid}-${++issued}`,
): Promise<string> {
  const key = await app.get(TransactionRunner).inTransaction((sql) => issueOperatorKey(sql, name, scopes));
  return key.apiKey;
}

/** A new operator key for a service started as its own process (the built CLI, with that service's environment). */
export async function issueOperatorKeyWithCli(
  env: Record<string, string>,
  args: string[] = [`test-operator-${process.pid}-${++issued}`],
): Promise<string> {
  const result = await runCli(['issue-operator-key', ...args], env);
  if (result.code !== 0) throw new Error(`issue-operator-key failed (${result.code}): ${result.stderr}`);
  return result.stdout.trimEnd().split('\n').pop()!;
}

/** Request headers that carry the key. */
export const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
