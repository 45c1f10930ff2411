/**
 * The newest messages queued in the outbox for one topic (the logistics commands), newest first,
 * with whether the relay has published them yet. Walks the (topic, id) index backwards: as cheap
 * with a million dead letters in the outbox as with none.
 */
export const SELECT_RECENT_OUTBOX_MESSAGES = `
SELECT id, message_value, published_at IS NOT NULL AS published
FROM outbox WHERE topic = $1
ORDER BY id DESC LIMIT $2`;
