import { state } from './state.js';

/** A request to this service, with the operator key as an `Authorization: Bearer` header (never in the URL). */
export function api(path: string, options: { headers?: HeadersInit; signal?: AbortSignal } = {}): Promise<Response> {
  const headers = new Headers(options.headers ?? {});
  if (state.key) headers.set('Authorization', 'Bearer ' + state.key);
  return fetch(path, { cache: 'no-store', headers, signal: options.signal });
}

/** What to tell the operator when the service refuses the key ('' for any other status). */
export function refusal(status: number): string {
  if (status === 401) return 'That is not an active operator key (npm run cli -- issue-operator-key NAME issues one).';
  if (status === 403) return 'That key may not read the dashboard: it needs the operations:read scope.';
  return '';
}
