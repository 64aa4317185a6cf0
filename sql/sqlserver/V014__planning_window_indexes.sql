-- V014 indexes for the planner's windowed reads (SQL Server).
--
-- plan-messages reads, for each batch of people, only what its rules need: the messages, replies and reads of the
-- lookback, every purchase (affinity and {product} have no window), the latest message and reply however old (the
-- unanswered streak) and the messages that reach into the cap's or the lookback's window. The first three are ranges
-- (or one seek at a range's end) of (contact_id, kind, occurred_at), which also holds everything those reads return.
-- A message planned before the window but sent within it is found by (phone_e164, sent_at), so that no old message of a
-- number is walked to find it.
CREATE INDEX ix_interactions_contact_id_kind_occurred_at ON interactions (contact_id, kind, occurred_at);

CREATE INDEX ix_message_queue_phone_e164_sent_at ON message_queue (phone_e164, sent_at);
