-- V003 consent lifecycle (SQL Server): inbound messages remember the contact they were matched to (so an erasure
-- finds them whatever form the number arrived in), and WhatsApp's marketing preference events ("stop"/"resume" from
-- the user_preferences webhook) get a normalised table that process-inbound applies, like inbound_messages.
-- outcome grows to hold the rule that decided a message (custom keywords can be long).

ALTER TABLE inbound_messages ADD contact_id bigint NULL CONSTRAINT fk_inbound_messages_contact_id REFERENCES contacts (contact_id);
GO

ALTER TABLE inbound_messages ALTER COLUMN outcome nvarchar(400) NULL;
GO

CREATE INDEX ix_inbound_messages_contact_id ON inbound_messages (contact_id) WHERE contact_id IS NOT NULL;
GO

CREATE TABLE preference_events (
    preference_id bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_preference_events PRIMARY KEY,
    from_phone    nvarchar(64) NULL,
    wa_user_id    nvarchar(128) NULL,
    category      nvarchar(100) NULL,
    value         nvarchar(20) NOT NULL,
    occurred_at   datetime2(3) NOT NULL,
    received_at   datetime2(3) NOT NULL,
    processed_at  datetime2(3) NULL,
    outcome       nvarchar(400) NULL,
    contact_id    bigint NULL CONSTRAINT fk_preference_events_contact_id REFERENCES contacts (contact_id),
    CONSTRAINT ck_preference_events_value CHECK (value IN ('stop', 'resume'))
);
GO

CREATE INDEX ix_preference_events_unprocessed ON preference_events (received_at, preference_id) WHERE processed_at IS NULL;
CREATE INDEX ix_preference_events_contact_id ON preference_events (contact_id) WHERE contact_id IS NOT NULL;
GO

-- expire-consents walks consents by contact_id range; an index led by the low-selectivity status column only tempts
-- a planner into scanning every granted consent for each range.
DROP INDEX ix_consents_status_last_confirmed_at ON consents;
