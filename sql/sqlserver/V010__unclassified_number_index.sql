-- V010 an index on the numbers no classifier accepts (SQL Server).
--
-- The import matches such a number by its text as typed (ImportStore.ByRawPhoneSql), so that a spreadsheet imported
-- again finds its contacts. Without an index each of those rows scanned every contact without phone_e164: quadratic in
-- the invalid numbers of a large spreadsheet. phone_raw is nvarchar(max), which cannot be an index key, so its SHA-256
-- is kept in a persisted computed column (nothing for a writer to fill) and indexed; the query compares the hash, then
-- the text (SqlServerDialect.RawPhoneEquals).
ALTER TABLE contacts ADD phone_raw_hash AS CAST(HASHBYTES('SHA2_256', phone_raw) AS binary(32)) PERSISTED;
GO

CREATE INDEX ix_contacts_unclassified_raw ON contacts (phone_raw_hash) WHERE phone_e164 IS NULL AND erased_at IS NULL;
