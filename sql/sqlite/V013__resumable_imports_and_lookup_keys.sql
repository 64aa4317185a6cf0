-- V013 resumable imports and lookup keys (SQLite). evolve-tx-off: this script opens and commits its own transaction.
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
-- SQLite cannot change a CHECK of an existing table: import_files is rebuilt as V009 did (foreign keys off, one transaction,
-- indexes created again).

PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = ON;
PRAGMA ignore_check_constraints = ON;

BEGIN IMMEDIATE;

CREATE TABLE new_import_files (
    import_id          INTEGER CONSTRAINT pk_import_files PRIMARY KEY,
    content_sha256     TEXT NOT NULL,
    kind               TEXT NOT NULL,
    outcome            TEXT NOT NULL,
    interactions_added INTEGER NOT NULL DEFAULT 0,
    contacts_created   INTEGER NOT NULL DEFAULT 0,
    contacts_updated   INTEGER NOT NULL DEFAULT 0,
    rows_rejected      INTEGER NOT NULL DEFAULT 0,
    imported_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    counterpart_hash   TEXT NULL,
    archive_name       TEXT NULL,
    rows_committed     INTEGER NULL,
    progress           TEXT NULL,
    CONSTRAINT ck_import_files_content_sha256 CHECK (length(content_sha256) = 64 AND content_sha256 NOT GLOB '*[^0-9a-f]*'),
    CONSTRAINT ck_import_files_kind CHECK (kind IN ('chat', 'contacts', 'suppression', 'unknown')),
    CONSTRAINT ck_import_files_outcome CHECK (outcome IN ('archived', 'quarantined', 'importing')),
    CONSTRAINT ck_import_files_imported_at CHECK (imported_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_import_files (
    import_id, content_sha256, kind, outcome, interactions_added, contacts_created, contacts_updated, rows_rejected, imported_at,
    counterpart_hash, archive_name)
SELECT import_id, content_sha256, kind, outcome, interactions_added, contacts_created, contacts_updated, rows_rejected, imported_at,
    counterpart_hash, archive_name
FROM import_files;

DROP TABLE import_files;
ALTER TABLE new_import_files RENAME TO import_files;

CREATE INDEX ix_import_files_imported_at ON import_files (imported_at);
CREATE INDEX ix_import_files_counterpart_hash ON import_files (counterpart_hash) WHERE counterpart_hash IS NOT NULL;
CREATE INDEX ix_import_files_content_sha256 ON import_files (content_sha256);

ALTER TABLE contacts ADD COLUMN name_key TEXT NULL;
ALTER TABLE contacts ADD COLUMN raw_phone_key TEXT NULL;
ALTER TABLE contacts ADD COLUMN raw_phone_keyed_by TEXT NULL;

CREATE INDEX ix_contacts_name_key ON contacts (name_key) WHERE name_key IS NOT NULL AND erased_at IS NULL;
CREATE INDEX ix_contacts_name_unkeyed ON contacts (contact_id) WHERE name IS NOT NULL AND name_key IS NULL AND erased_at IS NULL;
CREATE INDEX ix_contacts_raw_phone_key ON contacts (raw_phone_key) WHERE phone_checked_at IS NULL AND phone_raw IS NOT NULL AND erased_at IS NULL;
CREATE INDEX ix_contacts_raw_phone_keyed_by ON contacts (raw_phone_keyed_by) WHERE phone_checked_at IS NULL AND phone_raw IS NOT NULL AND erased_at IS NULL;

-- The erasure scrubs the rows a person's number or WhatsApp user id appears in, also those never matched to a contact:
-- through these indexes, not a scan of the whole inbound and status history per request.
CREATE INDEX ix_inbound_messages_from_phone ON inbound_messages (from_phone) WHERE from_phone IS NOT NULL;
CREATE INDEX ix_inbound_messages_wa_user_id ON inbound_messages (wa_user_id) WHERE wa_user_id IS NOT NULL;
CREATE INDEX ix_preference_events_from_phone ON preference_events (from_phone) WHERE from_phone IS NOT NULL;
CREATE INDEX ix_preference_events_wa_user_id ON preference_events (wa_user_id) WHERE wa_user_id IS NOT NULL;
CREATE INDEX ix_message_status_events_recipient_id ON message_status_events (recipient_id) WHERE recipient_id IS NOT NULL;
CREATE INDEX ix_message_status_events_recipient_user_id ON message_status_events (recipient_user_id) WHERE recipient_user_id IS NOT NULL;

DROP TRIGGER tr_contacts_phone_raw_changed;

CREATE TRIGGER tr_contacts_phone_raw_changed
AFTER UPDATE OF phone_raw ON contacts
FOR EACH ROW WHEN OLD.phone_raw IS NOT NEW.phone_raw
BEGIN
    UPDATE contacts SET phone_checked_at = NULL, raw_phone_key = NULL, raw_phone_keyed_by = NULL WHERE contact_id = NEW.contact_id;
END;

-- A name changed without its key (by another tool) loses the key, to be keyed again by the next lookup.
CREATE TRIGGER tr_contacts_name_changed
AFTER UPDATE OF name ON contacts
FOR EACH ROW WHEN OLD.name IS NOT NEW.name AND NEW.name_key IS OLD.name_key AND NEW.name_key IS NOT NULL
BEGIN
    UPDATE contacts SET name_key = NULL WHERE contact_id = NEW.contact_id;
END;

COMMIT;

PRAGMA ignore_check_constraints = OFF;
PRAGMA legacy_alter_table = OFF;
PRAGMA foreign_keys = ON;
