-- V010 an index on the numbers no classifier accepts (PostgreSQL).
--
-- The import matches such a number by its text as typed (ImportStore.ByRawPhoneSql), so that a spreadsheet imported
-- again finds its contacts. Without an index each of those rows scanned every contact without phone_e164: quadratic in
-- the invalid numbers of a large spreadsheet. A hash index: phone_raw is text another tool may fill with anything, and a
-- B-tree refuses an entry longer than about 2,700 bytes, which would fail that tool's insert; equality is all it needs.
CREATE INDEX ix_contacts_unclassified_raw ON contacts USING hash (phone_raw) WHERE phone_e164 IS NULL AND erased_at IS NULL;
