/** Queue messages to publish, in the caller's transaction. */
export const INSERT_OUTBOX_MESSAGES = `
INSERT INTO outbox (topic, message_key, message_value, headers)
SELECT topic, message_key, message_value, headers::jsonb
FROM unnest($1::text[], $2::bytea[], $3::bytea[], $4::text[]) AS m(topic, message_key, message_value, headers)`;

/** The oldest unpublished messages; SKIP LOCKED lets a second relay take none of the same rows. */
export const SELECT_UNPUBLISHED = `
SELECT id, topic, message_key, message_value, headers
FROM outbox WHERE published_at IS NULL
ORDER BY id LIMIT $1
FOR UPDATE SKIP LOCKED`;

export const MARK_PUBLISHED = `UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`;

export const COUNT_UNPUBLISHED = `SELECT count(*)::int AS backlog FROM outbox WHERE published_at IS NULL`;
