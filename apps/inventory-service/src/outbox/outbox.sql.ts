/** Queue messages to publish, in the caller's transaction. */
export const INSERT_OUTBOX_MESSAGES = `
INSERT INTO outbox (topic, message_key, message_value, headers)
SELECT topic, message_key, message_value, headers::jsonb
FROM unnest($1::text[], $2::bytea[], $3::bytea[], $4::text[]) AS m(topic, message_key, message_value, headers)`;

/**
 * The relay's lease: one relay at a time, so messages leave in outbox order. SKIP LOCKED: an
 * instance that finds it taken does nothing this round. The relay named in it renews it at least
 * every second, also while a send is in flight; another instance takes over only once it has not
 * been renewed for $1 milliseconds (RELAY_LEASE_LAPSES_MS). Short transactions only: none is open
 * across a send to Kafka.
 */
export const TAKE_RELAY_LEASE = `
SELECT origin::text AS origin, relay_instance,
       updated_at < now() - interval '1 second' AS renew_due,
       updated_at < now() - $1::int * interval '1 millisecond' AS expired
FROM outbox_relay_state WHERE id = 1 FOR UPDATE SKIP LOCKED`;

/**
 * Renew the lease if this instance ($1) still holds it, in one statement (its own short
 * transaction): resolves to a row when renewed, to none when another instance holds it, and waits
 * for a moment if another instance is looking at the lease row (it holds it only for a statement or two).
 */
export const RENEW_RELAY_LEASE = `UPDATE outbox_relay_state SET updated_at = now() WHERE id = 1 AND relay_instance = $1 RETURNING relay_instance`;

/** Name this instance the relay (or renew its lease). */
export const RECORD_RELAY_INSTANCE = `UPDATE outbox_relay_state SET relay_instance = $1, updated_at = now() WHERE id = 1`;

/** The oldest unpublished messages. */
export const SELECT_UNPUBLISHED = `
SELECT id, topic, message_key, message_value, headers
FROM outbox WHERE published_at IS NULL
ORDER BY id LIMIT $1`;

/** Whether any message waits to be published (outbox_unpublished_idx): the idle relay's poll. */
export const UNPUBLISHED_WAITING = `SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL) AS waiting`;

/** Whether a message for topic $1 waits to be published (outbox_unpublished_idx: only unpublished rows are read). */
export const UNPUBLISHED_OF_TOPIC_WAITING = `SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL AND topic = $1) AS waiting`;

export const SELECT_OUTBOX_ORIGIN = `SELECT origin::text AS origin FROM outbox_relay_state WHERE id = 1`;

export const SELECT_UNPUBLISHED_TOPICS = `SELECT DISTINCT topic FROM outbox WHERE published_at IS NULL`;

export const MARK_PUBLISHED = `UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[]) AND published_at IS NULL RETURNING id`;

export const COUNT_UNPUBLISHED = `SELECT count(*)::int AS backlog FROM outbox WHERE published_at IS NULL`;
