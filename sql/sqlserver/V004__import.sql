-- V004 import (SQL Server): the natural key that makes importing a chat export idempotent, and a
-- record of every file the import read.
--
-- interactions.source_key identifies where a row came from ("chat:" and the message's natural key: a
-- SHA-256 of who wrote, when and what, cut to 32 hex digits), so the same message imported twice, from
-- the same file or from two overlapping exports, is one row. It never holds a number, a name or a text
-- in clear: an erasure scans every text column for the person's data. The unique index is filtered,
-- so sessions that write interactions need QUOTED_IDENTIFIER and ANSI_NULLS on (every modern driver's default).
ALTER TABLE interactions ADD source_key nvarchar(100) NULL;
GO

CREATE UNIQUE INDEX ux_interactions_source_key ON interactions (source_key) WHERE source_key IS NOT NULL;

-- One row per file the import finished with (archived or quarantined). The file is known by the SHA-256
-- of its bytes, not by its name: WhatsApp names an export after the person's number or saved name.
CREATE TABLE import_files (
    import_id          bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_import_files PRIMARY KEY,
    content_sha256     nvarchar(64) NOT NULL,
    kind               nvarchar(20) NOT NULL,
    outcome            nvarchar(20) NOT NULL,
    interactions_added int NOT NULL CONSTRAINT df_import_files_interactions_added DEFAULT 0,
    contacts_created   int NOT NULL CONSTRAINT df_import_files_contacts_created DEFAULT 0,
    contacts_updated   int NOT NULL CONSTRAINT df_import_files_contacts_updated DEFAULT 0,
    rows_rejected      int NOT NULL CONSTRAINT df_import_files_rows_rejected DEFAULT 0,
    imported_at        datetime2(3) NOT NULL,
    CONSTRAINT ck_import_files_content_sha256 CHECK (LEN(content_sha256) = 64 AND content_sha256 COLLATE Latin1_General_BIN2 NOT LIKE N'%[^0-9a-f]%'),
    CONSTRAINT ck_import_files_kind CHECK (kind COLLATE Latin1_General_BIN2 IN (N'chat', N'contacts', N'suppression', N'unknown')),
    CONSTRAINT ck_import_files_outcome CHECK (outcome COLLATE Latin1_General_BIN2 IN (N'archived', N'quarantined'))
);

CREATE INDEX ix_import_files_imported_at ON import_files (imported_at);
