-- V009 defaults for other writers (PostgreSQL).
--
-- SPEC section 8: other tools write these tables too, and a writer that names only the columns the SPEC lists must succeed.
-- Every NOT NULL column that says when the row was written now defaults to the moment of the INSERT: now() (the start of
-- the writer's transaction) to the millisecond, like every instant Vinculo writes, so that a keyset cursor read from such
-- a row (webhook_payloads.received_at) goes back as a millisecond parameter and finds the row where it left it.
-- Times of what happened elsewhere stay the writer's to give, never invented: interactions.occurred_at (a purchase's
-- date drives relevance), consent_events.occurred_at (the business's proof of consent), message_status_events.occurred_at
-- and preference_events.occurred_at (Meta's own time), message_queue.scheduled_at. Only defaults: no row, no index changes.
ALTER TABLE contacts
    ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now()),
    ALTER COLUMN updated_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE consents ALTER COLUMN changed_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE suppression_list ALTER COLUMN added_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE erasure_requests ALTER COLUMN requested_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE inbound_messages ALTER COLUMN received_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE contents
    ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now()),
    ALTER COLUMN updated_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE message_queue
    ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now()),
    ALTER COLUMN updated_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE message_status_events ALTER COLUMN received_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE job_runs ALTER COLUMN started_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE preference_events ALTER COLUMN received_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE import_files ALTER COLUMN imported_at SET DEFAULT date_trunc('milliseconds', now());
ALTER TABLE webhook_payloads ALTER COLUMN received_at SET DEFAULT date_trunc('milliseconds', now());

-- message_queue.phone_e164 (the number the message is for, which the cap and the dispatcher's re-check go by) is not a
-- SPEC column: a row without it takes its contact's current number, once, as it is inserted. When the contact has no
-- number either the row keeps NULL, as on SQLite and SQL Server, and the dispatcher's re-check cancels it unsent; a NULL
-- number is outside the one-message-per-number-and-day key (ux_message_queue_phone_e164_plan_day), which is unchanged.
ALTER TABLE message_queue ALTER COLUMN phone_e164 DROP NOT NULL;

CREATE FUNCTION message_queue_phone_e164_from_contact() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.phone_e164 := (SELECT c.phone_e164 FROM contacts AS c WHERE c.contact_id = NEW.contact_id);
    RETURN NEW;
END;
$$;

CREATE TRIGGER tr_message_queue_phone_e164_from_contact
BEFORE INSERT ON message_queue
FOR EACH ROW WHEN (NEW.phone_e164 IS NULL) EXECUTE FUNCTION message_queue_phone_e164_from_contact();
