-- V022 the queued messages of each contact, in an index of their own (SQLite).
--
-- expire-consents cancels the queued messages of every contact whose consent expired, range by range. It found them
-- through ix_message_queue_contact_id, which holds every message ever queued, and read each message's row for its status:
-- on a base with years of history, about two table rows per expired contact, almost none of them queued, and on a base
-- larger than memory each a read from disk. Only the messages waiting to go out are queued (a day's plan), so this index
-- stays small however long the history grows. expire-consents names it (INDEXED BY): with statistics, SQLite still
-- prefers ix_message_queue_contact_id. PostgreSQL needs no such index: it reads the few queued messages from
-- ix_message_queue_status_scheduled_at and joins them to the range's expired consents.
CREATE INDEX ix_message_queue_queued_contact ON message_queue (contact_id) WHERE status = 'queued';
