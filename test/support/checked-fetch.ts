/**
 * In test runs, answers are checked against the served OpenAPI document (documentedFetch); the
 * benchmarks, which share these helpers but run outside vitest, fetch plainly: documented-answers
 * imports vitest, and vitest throws when a script that is not a test requires it.
 */
const UNDER_VITEST = process.env.VITEST !== undefined;

export async function checkedFetch(url: string, init?: RequestInit): Promise<Response> {
  if (!UNDER_VITEST) return fetch(url, init);
  return (await import('./documented-answers')).documentedFetch(url, init);
}

/** Forget the document of whatever served this origin before (under vitest; nothing is kept outside it). */
export async function forgetDocumentOf(origin: string): Promise<void> {
  if (UNDER_VITEST) (await import('./documented-answers')).forgetApiDocumentOf(origin);
}
