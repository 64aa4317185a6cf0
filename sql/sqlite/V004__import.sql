-- V004 import (SQLite): the natural key that makes importing a chat export idempotent, and a record
-- of every file the import read.
--
-- interactions.source_key identifies where a row came from ("chat:" and the message's natural key: a
-- SHA-256 of who wrote, when and what, cut to 32 hex digits), so the same message imported twice, from
-- the same file or from two overlapping exports, is one row. It never holds a number, a name or a text
-- in clear: an erasure scans every text column for the person's data.
ALTER TABLE interactions ADD COLUMN source_key TEXT NULL;

CREATE UNIQUE INDEX ux_interactions_source_key ON interactions (source_key) WHERE source_key IS NOT NULL;

-- One row per file the import finished with (archived or quarantined). The file is known by the SHA-256
-- of its bytes, not by its name: WhatsApp names an export after the person's number or saved name.
CREATE TABLE import_files (
    import_id          INTEGER CONSTRAINT pk_import_files PRIMARY KEY,
    content_sha256     TEXT NOT NULL,
    kind               TEXT NOT NULL,
    outcome            TEXT NOT NULL,
    interactions_added INTEGER NOT NULL DEFAULT 0,
    contacts_created   INTEGER NOT NULL DEFAULT 0,
    contacts_updated   INTEGER NOT NULL DEFAULT 0,
    rows_rejected      INTEGER NOT NULL DEFAULT 0,
    imported_at        TEXT NOT NULL,
    CONSTRAINT ck_import_files_content_sha256 CHECK (length(content_sha256) = 64 AND content_sha256 NOT GLOB '*[^0-9a-f]*'),
    CONSTRAINT ck_import_files_kind CHECK (kind IN ('chat', 'contacts', 'suppression', 'unknown')),
    CONSTRAINT ck_import_files_outcome CHECK (outcome IN ('archived', 'quarantined')),
    CONSTRAINT ck_import_files_imported_at CHECK (imported_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

CREATE INDEX ix_import_files_imported_at ON import_files (imported_at);
