-- V012 erasure that sticks (SQLite).
--
-- erased_numbers: the SHA-256 of every form of a number erased at its owner's request (LGPD art. 18). An import (chat,
-- CSV, vCard) or an inbound message for such a number stores nothing; only an opt-in keyword sent from the number itself
-- takes it off this list, as a new contact. Distinct from suppression_list, which an opt-out also fills and which keeps
-- the person's rows: a tombstone keeps none.
-- import_files.counterpart_hash: the hash of a 1:1 chat's counterpart, so that an erasure finds the person's archived
-- exports (and a re-import of the same bytes is recognised); import_files.archive_name: the file's name in archive/,
-- cleared when the erasure deletes it. Both nullable: other writers name neither.
CREATE TABLE erased_numbers (
    phone_hash TEXT NOT NULL CONSTRAINT pk_erased_numbers PRIMARY KEY,
    erased_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT ck_erased_numbers_phone_hash CHECK (length(phone_hash) = 64 AND phone_hash NOT GLOB '*[^0-9a-f]*'),
    CONSTRAINT ck_erased_numbers_erased_at CHECK (erased_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

ALTER TABLE import_files ADD COLUMN counterpart_hash TEXT NULL;
ALTER TABLE import_files ADD COLUMN archive_name TEXT NULL;
CREATE INDEX ix_import_files_counterpart_hash ON import_files (counterpart_hash) WHERE counterpart_hash IS NOT NULL;
CREATE INDEX ix_import_files_content_sha256 ON import_files (content_sha256);
