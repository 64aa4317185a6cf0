-- V010 an index on the numbers no classifier accepts (SQLite).
--
-- The import matches such a number by its text as typed (ImportStore.ByRawPhoneSql), so that a spreadsheet imported
-- again finds its contacts. Without an index each of those rows scanned every contact without phone_e164: quadratic in
-- the invalid numbers of a large spreadsheet (40,000 of them in a million-row one made most of a 20-minute import).
CREATE INDEX ix_contacts_unclassified_raw ON contacts (phone_raw) WHERE phone_e164 IS NULL AND erased_at IS NULL;
