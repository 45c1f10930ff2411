/** Make sure the partition's offset row exists, so it can be locked. */
export const ENSURE_OFFSET_ROW = `
INSERT INTO kafka_offsets (consumer_group, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
ON CONFLICT DO NOTHING`;

/**
 * The next offset to apply, locked until commit: when a rebalance briefly lets two instances hold
 * the same partition, the second waits here and then skips what the first applied.
 */
export const LOCK_NEXT_OFFSET = `
SELECT next_offset FROM kafka_offsets WHERE consumer_group = $1 AND topic = $2 AND partition = $3 FOR UPDATE`;

export const STORE_NEXT_OFFSET = `
UPDATE kafka_offsets SET next_offset = $4, updated_at = now()
WHERE consumer_group = $1 AND topic = $2 AND partition = $3`;

export const SELECT_STORED_OFFSETS = `
SELECT partition, next_offset FROM kafka_offsets WHERE consumer_group = $1 AND topic = $2`;

/**
 * Claim inbound events by sender and eventId (`$1` senders as senderOf names them, `$2` eventIds); a
 * pair returned was not seen before, one missing is a duplicate. An id claimed before senders were
 * kept (sender '') stands for every sender: a redelivery of an event applied before the upgrade is
 * still a duplicate.
 */
export const CLAIM_INBOUND_EVENT_IDS = `
INSERT INTO inbound_events (sender, event_id, event_type, topic, partition, "offset")
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[]) AS claim(sender, event_id, event_type, topic, partition, "offset")
WHERE NOT EXISTS (SELECT 1 FROM inbound_events claimed_before WHERE claimed_before.sender = '' AND claimed_before.event_id = claim.event_id)
ON CONFLICT (sender, event_id) DO NOTHING
RETURNING sender, event_id`;

/** Give back (sender, eventId) claims of events that were dead-lettered after all: a replay may apply them later. */
export const UNCLAIM_INBOUND_EVENT_IDS = `
DELETE FROM inbound_events WHERE (sender, event_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;

export const SELECT_GROUP_OFFSETS = `
SELECT topic, partition, next_offset FROM kafka_offsets WHERE consumer_group = $1`;
