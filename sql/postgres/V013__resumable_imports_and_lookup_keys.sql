-- V013 resumable imports and lookup keys (PostgreSQL).
--
-- import_files: a large contact or suppression file commits every Import:CommitRows rows, so that an opt-out (or any other
-- writer) does not wait behind it. While it is being imported its row has outcome 'importing', rows_committed (the records
-- of the file committed so far: where a run after a crash resumes) and progress (the counts so far, JSON); the row becomes
-- 'archived' (progress cleared) when the file is done. Both columns nullable: other writers name neither.
-- contacts.name_key: SHA-256 of the contact's name folded as a saved-contact chat is matched (case and accents aside), so
-- that such a chat finds its contact through an index. Written by the import with the name; a name written by another tool
-- (or changed without its key) has none, and is keyed by the next lookup.
-- contacts.raw_phone_key, raw_phone_keyed_by: for a row whose number awaits classification (phone_checked_at NULL), a
-- digest of the classifier's version and settings, and that digest, ':' and the hash of the number it reads from
-- phone_raw ('-' for none), so that an erasure finds the person through an index instead of classifying every such row.
-- Filled by the erasure (again when the classifier changes); cleared when phone_raw changes. Two indexes: the lookup
-- names the key alone, so that no planner statistics can make it filter the rows of one classifier instead.
ALTER TABLE import_files DROP CONSTRAINT ck_import_files_outcome;
ALTER TABLE import_files ADD CONSTRAINT ck_import_files_outcome CHECK (outcome IN ('archived', 'quarantined', 'importing'));
ALTER TABLE import_files ADD COLUMN rows_committed bigint NULL, ADD COLUMN progress text NULL;

ALTER TABLE contacts ADD COLUMN name_key text NULL, ADD COLUMN raw_phone_key text NULL, ADD COLUMN raw_phone_keyed_by text NULL;

CREATE INDEX ix_contacts_name_key ON contacts (name_key) WHERE name_key IS NOT NULL AND erased_at IS NULL;
CREATE INDEX ix_contacts_name_unkeyed ON contacts (contact_id) WHERE name IS NOT NULL AND name_key IS NULL AND erased_at IS NULL;
CREATE INDEX ix_contacts_raw_phone_key ON contacts (raw_phone_key) WHERE phone_checked_at IS NULL AND phone_raw IS NOT NULL AND erased_at IS NULL;
CREATE INDEX ix_contacts_raw_phone_keyed_by ON contacts (raw_phone_keyed_by) WHERE phone_checked_at IS NULL AND phone_raw IS NOT NULL AND erased_at IS NULL;

-- The erasure scrubs the rows a person's number or WhatsApp user id appears in, also those never matched to a contact:
-- through these indexes, not a scan of the whole inbound and status history per request.
CREATE INDEX ix_inbound_messages_from_phone ON inbound_messages USING hash (from_phone) WHERE from_phone IS NOT NULL;
CREATE INDEX ix_inbound_messages_wa_user_id ON inbound_messages USING hash (wa_user_id) WHERE wa_user_id IS NOT NULL;
CREATE INDEX ix_preference_events_from_phone ON preference_events USING hash (from_phone) WHERE from_phone IS NOT NULL;
CREATE INDEX ix_preference_events_wa_user_id ON preference_events USING hash (wa_user_id) WHERE wa_user_id IS NOT NULL;
CREATE INDEX ix_message_status_events_recipient_id ON message_status_events USING hash (recipient_id) WHERE recipient_id IS NOT NULL;
CREATE INDEX ix_message_status_events_recipient_user_id ON message_status_events USING hash (recipient_user_id) WHERE recipient_user_id IS NOT NULL;

CREATE OR REPLACE FUNCTION contacts_phone_raw_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.phone_raw IS DISTINCT FROM OLD.phone_raw THEN
        NEW.phone_checked_at := NULL;
        NEW.raw_phone_key := NULL;
        NEW.raw_phone_keyed_by := NULL;
    END IF;
    RETURN NEW;
END;
$$;

-- A name changed without its key (by another tool) loses the key, to be keyed again by the next lookup.
CREATE FUNCTION contacts_name_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name AND NEW.name_key IS NOT DISTINCT FROM OLD.name_key THEN
        NEW.name_key := NULL;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER tr_contacts_name_changed
BEFORE UPDATE OF name ON contacts
FOR EACH ROW EXECUTE FUNCTION contacts_name_changed();
