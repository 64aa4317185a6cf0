-- V023 the two indexes expire-consents reads on the other engines (SQL Server).
--
-- expire-consents asks, for every granted consent that no grant or renewal keeps fresh, whether the contact's
-- last_interaction_at is recent, and cancels the queued messages of each contact whose consent expired. On a table
-- clustered by contact_id the first question is a seek into the contact's whole row, a page for every dozen contacts;
-- the second went through ix_message_queue_contact_id, every message ever queued, and a lookup of each one's status. The
-- same questions on PostgreSQL (V019) and SQLite (V021, V022) measured about 140 index pages per range of 20,000
-- consents instead of about 2,000 table pages on a 10M base larger than memory, and a few queued messages instead of
-- every message the expired contacts were ever sent. Not measured on a server here (none runs on the build machines).
-- Contacts that never interacted have nothing to say in the first index and are left out; only messages waiting to go
-- out are in the second, so it stays small however long the history grows.
CREATE INDEX ix_contacts_last_interaction_at ON contacts (contact_id, last_interaction_at) WHERE last_interaction_at IS NOT NULL;

CREATE INDEX ix_message_queue_queued_contact ON message_queue (contact_id) WHERE status = N'queued';
