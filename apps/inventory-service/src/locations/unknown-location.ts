/**
 * The dead-letter reason for an event at a location nobody registered: it names the location and
 * what to do. Its first words, "unknown location", are the metric's `unknown_location` reason kind.
 * `role` says what the event took the location for (a pickup store, say); omitted for the location itself.
 */
export function unknownLocationReason(locationId: string, role?: string): string {
  return `unknown location: ${role ? `${role} ` : ''}${JSON.stringify(locationId)} is not registered; register it with PUT /v1/locations/${pathSegment(locationId)} and replay`;
}

/** The id as a URL path segment; `{id}` for one no URL can carry (a lone UTF-16 surrogate), so the reason never throws. */
function pathSegment(locationId: string): string {
  try {
    return encodeURIComponent(locationId);
  } catch {
    return '{id}';
  }
}
