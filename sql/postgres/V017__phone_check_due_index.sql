-- V017 an index of when each live number was last checked, and by which library version (PostgreSQL).
--
-- A night's revalidate-phones checks the numbers edited since the night before, those checked longer ago than
-- Phones:RevalidateAfterDays and those another library version checked: a few percent of the base. Without this index it
-- read every live contact to find them, and counted the base by status from the table as well. With it, the numbers
-- due are a few ranges of this index (the versions other than the current one, and the current one's unchecked and
-- stale rows), and the count by status reads this index alone. A large rewrite (a first sweep, a new library version) drops
-- it and builds it again, as it does the number index. The filter's column is repeated in the index so that every
-- SQLite version reads the index alone.
CREATE INDEX ix_contacts_check_due ON contacts (phone_checked_version, phone_checked_at, phone_status, erased_at) WHERE erased_at IS NULL;
