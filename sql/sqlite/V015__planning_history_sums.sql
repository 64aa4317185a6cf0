-- V015 indexes for the planner's sums of old history (SQLite).
--
-- plan-messages reads what happened before its windows only summed up: each row's purchases per category (how many,
-- the latest), its latest purchase naming a product, which of the night's contents already went out to a number, and
-- how many messages went out to it since the person last wrote. Each sum walks a person's own entries of a small index
-- that holds everything it needs, rather than visiting one table row per purchase or message scattered among the
-- person's other history: partial indexes of purchases, and of messages that went out.
-- The filter's column is repeated in each index so that every SQLite version reads the index alone.
CREATE INDEX ix_interactions_purchases ON interactions (contact_id, kind, category, occurred_at, product) WHERE kind = 'purchase';

CREATE INDEX ix_message_queue_went_out ON message_queue (phone_e164, content_id, scheduled_at, sent_at, status) WHERE status IN ('sent', 'delivered', 'read');
