-- V012 erasure that sticks (PostgreSQL).
--
-- erased_numbers: the SHA-256 of every form of a number erased at its owner's request (LGPD art. 18). An import (chat,
-- CSV, vCard) or an inbound message for such a number stores nothing; only an opt-in keyword sent from the number itself
-- takes it off this list, as a new contact. Distinct from suppression_list, which an opt-out also fills and which keeps
-- the person's rows: a tombstone keeps none.
-- import_files.counterpart_hash: the hash of a 1:1 chat's counterpart, so that an erasure finds the person's archived
-- exports (and a re-import of the same bytes is recognised); import_files.archive_name: the file's name in archive/,
-- cleared when the erasure deletes it. Both nullable: other writers name neither.
CREATE TABLE erased_numbers (
    phone_hash text NOT NULL CONSTRAINT pk_erased_numbers PRIMARY KEY,
    erased_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
    CONSTRAINT ck_erased_numbers_phone_hash CHECK (phone_hash ~ '^[0-9a-f]{64}$')
);

ALTER TABLE import_files ADD COLUMN counterpart_hash text NULL, ADD COLUMN archive_name text NULL;
CREATE INDEX ix_import_files_counterpart_hash ON import_files (counterpart_hash) WHERE counterpart_hash IS NOT NULL;
CREATE INDEX ix_import_files_content_sha256 ON import_files (content_sha256);
