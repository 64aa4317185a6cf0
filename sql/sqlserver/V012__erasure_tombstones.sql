-- V012 erasure that sticks (SQL Server).
--
-- erased_numbers: the SHA-256 of every form of a number erased at its owner's request (LGPD art. 18). An import (chat,
-- CSV, vCard) or an inbound message for such a number stores nothing; only an opt-in keyword sent from the number itself
-- takes it off this list, as a new contact. Distinct from suppression_list, which an opt-out also fills and which keeps
-- the person's rows: a tombstone keeps none.
-- import_files.counterpart_hash: the hash of a 1:1 chat's counterpart, so that an erasure finds the person's archived
-- exports (and a re-import of the same bytes is recognised); import_files.archive_name: the file's name in archive/,
-- cleared when the erasure deletes it. Both nullable: other writers name neither.
CREATE TABLE erased_numbers (
    phone_hash nvarchar(64) NOT NULL CONSTRAINT pk_erased_numbers PRIMARY KEY,
    erased_at  datetime2(3) NOT NULL CONSTRAINT df_erased_numbers_erased_at DEFAULT SYSUTCDATETIME(),
    CONSTRAINT ck_erased_numbers_phone_hash CHECK (LEN(phone_hash) = 64 AND phone_hash COLLATE Latin1_General_BIN2 NOT LIKE N'%[^0-9a-f]%')
);

ALTER TABLE import_files ADD counterpart_hash nvarchar(64) NULL, archive_name nvarchar(400) NULL;
GO

CREATE INDEX ix_import_files_counterpart_hash ON import_files (counterpart_hash) WHERE counterpart_hash IS NOT NULL;
CREATE INDEX ix_import_files_content_sha256 ON import_files (content_sha256);
