-- V013 resumable imports and lookup keys (SQL Server).
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
GO

ALTER TABLE import_files ADD CONSTRAINT ck_import_files_outcome CHECK (outcome COLLATE Latin1_General_BIN2 IN (N'archived', N'quarantined', N'importing'));
ALTER TABLE import_files ADD rows_committed bigint NULL, progress nvarchar(max) NULL;
ALTER TABLE contacts ADD name_key nvarchar(64) NULL, raw_phone_key nvarchar(96) NULL, raw_phone_keyed_by nvarchar(16) NULL;
GO

CREATE INDEX ix_contacts_name_key ON contacts (name_key) WHERE name_key IS NOT NULL AND erased_at IS NULL;
CREATE INDEX ix_contacts_name_unkeyed ON contacts (contact_id) WHERE name IS NOT NULL AND name_key IS NULL AND erased_at IS NULL;
-- phone_raw (nvarchar(max)) cannot appear in an index filter: the query adds that condition itself.
CREATE INDEX ix_contacts_raw_phone_key ON contacts (raw_phone_key) WHERE phone_checked_at IS NULL AND erased_at IS NULL;
CREATE INDEX ix_contacts_raw_phone_keyed_by ON contacts (raw_phone_keyed_by) WHERE phone_checked_at IS NULL AND erased_at IS NULL;

-- The erasure scrubs the rows a person's number or WhatsApp user id appears in, also those never matched to a contact:
-- through these indexes, not a scan of the whole inbound and status history per request.
CREATE INDEX ix_inbound_messages_from_phone ON inbound_messages (from_phone) WHERE from_phone IS NOT NULL;
CREATE INDEX ix_inbound_messages_wa_user_id ON inbound_messages (wa_user_id) WHERE wa_user_id IS NOT NULL;
CREATE INDEX ix_preference_events_from_phone ON preference_events (from_phone) WHERE from_phone IS NOT NULL;
CREATE INDEX ix_preference_events_wa_user_id ON preference_events (wa_user_id) WHERE wa_user_id IS NOT NULL;
CREATE INDEX ix_message_status_events_recipient_id ON message_status_events (recipient_id) WHERE recipient_id IS NOT NULL;
CREATE INDEX ix_message_status_events_recipient_user_id ON message_status_events (recipient_user_id) WHERE recipient_user_id IS NOT NULL;
GO

ALTER TRIGGER tr_contacts_phone_raw_changed ON contacts AFTER UPDATE AS
BEGIN
    SET NOCOUNT ON;
    IF UPDATE(phone_raw)
        UPDATE c SET phone_checked_at = NULL, raw_phone_key = NULL, raw_phone_keyed_by = NULL
        FROM contacts AS c
        INNER JOIN inserted AS i ON i.contact_id = c.contact_id
        INNER JOIN deleted AS d ON d.contact_id = i.contact_id
        WHERE i.phone_raw <> d.phone_raw
           OR (i.phone_raw IS NULL AND d.phone_raw IS NOT NULL)
           OR (i.phone_raw IS NOT NULL AND d.phone_raw IS NULL);
END;
GO

-- A name changed without its key (by another tool) loses the key, to be keyed again by the next lookup.
CREATE TRIGGER tr_contacts_name_changed ON contacts AFTER UPDATE AS
BEGIN
    SET NOCOUNT ON;
    IF UPDATE(name)
        UPDATE c SET name_key = NULL
        FROM contacts AS c
        INNER JOIN inserted AS i ON i.contact_id = c.contact_id
        INNER JOIN deleted AS d ON d.contact_id = i.contact_id
        WHERE i.name_key = d.name_key
          AND (i.name <> d.name OR (i.name IS NULL AND d.name IS NOT NULL) OR (i.name IS NOT NULL AND d.name IS NULL));
END;
GO
