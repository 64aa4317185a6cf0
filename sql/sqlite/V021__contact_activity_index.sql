-- V021 each contact's latest interaction, in an index of its own (SQLite).
--
-- expire-consents asks, for every granted consent that no grant or renewal keeps fresh, whether the contact's
-- last_interaction_at is recent. SQLite answered it by looking the contact's row up by id: one table page for every
-- dozen contacts of each range of consents (about 1,700 pages per range of 20,000 consents), read from disk once the
-- base outgrows memory (10M contacts, 26 GB). From this index, which expire-consents names (INDEXED BY: the planner
-- prefers the row id), the same answers take about 140 pages. Contacts that never interacted have nothing to say here
-- and are left out. A change of last_interaction_at (an inbound message, an imported chat) updates the index; a phone
-- sweep changes neither column, so it leaves the index alone.
CREATE INDEX ix_contacts_last_interaction_at ON contacts (contact_id, last_interaction_at) WHERE last_interaction_at IS NOT NULL;
