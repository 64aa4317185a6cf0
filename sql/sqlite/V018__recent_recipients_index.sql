-- V018 the index of sends carries the number (SQLite).
--
-- Every dispatch-messages run (every minute) counts the numbers messaged in the last 24 hours, for the daily limit: a
-- range of sent_at over the day's sends. The index of V016 held sent_at and scheduled_at, so each send of the day was
-- looked up in the table for its number: about 20 ms a run at 10,000 sends a day, and growing with the day's volume.
-- With the number in the index the count reads the index alone. The index keeps serving plan-messages' once-a-run read
-- of messages planned before its window but sent within it (sent_at, then scheduled_at).
CREATE INDEX ix_message_queue_sent_recipients ON message_queue (sent_at, scheduled_at, phone_e164) WHERE sent_at IS NOT NULL;

DROP INDEX ix_message_queue_sent_at_scheduled_at;
