-- V003 consent lifecycle (SQLite): inbound messages remember the contact they were matched to (so an erasure finds
-- them whatever form the number arrived in), and WhatsApp's marketing preference events ("stop"/"resume" from the
-- user_preferences webhook) get a normalised table that process-inbound applies, like inbound_messages.

ALTER TABLE inbound_messages ADD COLUMN contact_id INTEGER NULL REFERENCES contacts (contact_id);

CREATE INDEX ix_inbound_messages_contact_id ON inbound_messages (contact_id) WHERE contact_id IS NOT NULL;

CREATE TABLE preference_events (
    preference_id INTEGER CONSTRAINT pk_preference_events PRIMARY KEY,
    from_phone    TEXT NULL,
    wa_user_id    TEXT NULL,
    category      TEXT NULL,
    value         TEXT NOT NULL,
    occurred_at   TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    processed_at  TEXT NULL,
    outcome       TEXT NULL,
    contact_id    INTEGER NULL,
    CONSTRAINT fk_preference_events_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_preference_events_value CHECK (value IN ('stop', 'resume')),
    CONSTRAINT ck_preference_events_occurred_at CHECK (occurred_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_preference_events_received_at CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_preference_events_processed_at CHECK (processed_at IS NULL OR processed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

CREATE INDEX ix_preference_events_unprocessed ON preference_events (received_at, preference_id) WHERE processed_at IS NULL;
CREATE INDEX ix_preference_events_contact_id ON preference_events (contact_id) WHERE contact_id IS NOT NULL;

-- expire-consents walks consents by contact_id range; an index led by the low-selectivity status column only tempts
-- a planner without statistics (SQLite) into scanning every granted consent for each range.
DROP INDEX ix_consents_status_last_confirmed_at;
