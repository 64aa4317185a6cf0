-- V020 one index of the messages that count, per number, with everything the planner reads of them (PostgreSQL).
--
-- plan-messages reads, for each batch's numbers, every message that reached or may still reach the person (queued,
-- sending, sent, delivered, read), however old: those of the window count for engagement and the frequency cap, the
-- earlier ones that went out for novelty and the unanswered streak. It read them in three ways: the window's through
-- (phone_e164, scheduled_at), looking each message up in the table for its content and status; the earlier ones from
-- V015's index of messages that went out; and those planned before the window but sent within it once a run. This index
-- answers all of it with one seek per number and no table row, and replaces V015's. On a base larger than memory each
-- of those seeks was a read from disk.
CREATE INDEX ix_message_queue_counted ON message_queue (phone_e164, scheduled_at) INCLUDE (sent_at, content_id, status) WHERE status IN ('queued', 'sending', 'sent', 'delivered', 'read');

DROP INDEX ix_message_queue_went_out;
