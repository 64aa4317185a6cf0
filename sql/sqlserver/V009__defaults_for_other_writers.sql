-- V009 defaults for other writers (SQL Server).
--
-- SPEC section 8: other tools write these tables too, and a writer that names only the columns the SPEC lists must succeed.
-- Every NOT NULL column that says when the row was written now defaults to the moment of the INSERT: SYSUTCDATETIME(),
-- stored in the columns' datetime2(3). Times of what happened elsewhere stay the writer's to give, never invented:
-- interactions.occurred_at (a purchase's date drives relevance), consent_events.occurred_at (the business's proof of
-- consent), message_status_events.occurred_at and preference_events.occurred_at (Meta's own time), message_queue.scheduled_at.
-- Defaults are named df_<table>_<column>, as V001's are.
ALTER TABLE contacts ADD CONSTRAINT df_contacts_created_at DEFAULT SYSUTCDATETIME() FOR created_at;
ALTER TABLE contacts ADD CONSTRAINT df_contacts_updated_at DEFAULT SYSUTCDATETIME() FOR updated_at;
ALTER TABLE consents ADD CONSTRAINT df_consents_changed_at DEFAULT SYSUTCDATETIME() FOR changed_at;
ALTER TABLE suppression_list ADD CONSTRAINT df_suppression_list_added_at DEFAULT SYSUTCDATETIME() FOR added_at;
ALTER TABLE erasure_requests ADD CONSTRAINT df_erasure_requests_requested_at DEFAULT SYSUTCDATETIME() FOR requested_at;
ALTER TABLE inbound_messages ADD CONSTRAINT df_inbound_messages_received_at DEFAULT SYSUTCDATETIME() FOR received_at;
ALTER TABLE contents ADD CONSTRAINT df_contents_created_at DEFAULT SYSUTCDATETIME() FOR created_at;
ALTER TABLE contents ADD CONSTRAINT df_contents_updated_at DEFAULT SYSUTCDATETIME() FOR updated_at;
ALTER TABLE message_queue ADD CONSTRAINT df_message_queue_created_at DEFAULT SYSUTCDATETIME() FOR created_at;
ALTER TABLE message_queue ADD CONSTRAINT df_message_queue_updated_at DEFAULT SYSUTCDATETIME() FOR updated_at;
ALTER TABLE message_status_events ADD CONSTRAINT df_message_status_events_received_at DEFAULT SYSUTCDATETIME() FOR received_at;
ALTER TABLE job_runs ADD CONSTRAINT df_job_runs_started_at DEFAULT SYSUTCDATETIME() FOR started_at;
ALTER TABLE preference_events ADD CONSTRAINT df_preference_events_received_at DEFAULT SYSUTCDATETIME() FOR received_at;
ALTER TABLE import_files ADD CONSTRAINT df_import_files_imported_at DEFAULT SYSUTCDATETIME() FOR imported_at;
ALTER TABLE webhook_payloads ADD CONSTRAINT df_webhook_payloads_received_at DEFAULT SYSUTCDATETIME() FOR received_at;
GO

-- message_queue.phone_e164 (the number the message is for, which the cap and the dispatcher's re-check go by) is not a
-- SPEC column: it becomes NULL-able, and the trigger below gives a row written without it its contact's current number.
-- When the contact has no number either the row keeps NULL, and the dispatcher's re-check cancels it unsent; a NULL number
-- is outside the one-message-per-number-and-day key. SQL Server refuses to change a column that an index depends on
-- ("The index ... is dependent on column"), so the two indexes on phone_e164 are dropped and created again exactly as V001
-- and V005 made them.
DROP INDEX ux_message_queue_phone_e164_plan_day ON message_queue;
DROP INDEX ix_message_queue_phone_e164_scheduled_at ON message_queue;
GO

ALTER TABLE message_queue ALTER COLUMN phone_e164 nvarchar(32) NULL;
GO

CREATE INDEX ix_message_queue_phone_e164_scheduled_at ON message_queue (phone_e164, scheduled_at);
CREATE UNIQUE INDEX ux_message_queue_phone_e164_plan_day ON message_queue (phone_e164, plan_day)
    WHERE plan_day IS NOT NULL AND status IN (N'queued', N'sending', N'sent', N'delivered', N'read') AND phone_e164 <> N'erased';
GO

-- After the insert, set-based over the statement's rows. With a trigger on the table a bare OUTPUT clause is refused:
-- Vinculo's statements on message_queue use OUTPUT ... INTO (the dispatcher's claim) or SCOPE_IDENTITY(), which this
-- trigger leaves alone (it inserts nothing). A number already taken that day fails the INSERT, as it does for a row that
-- names it.
CREATE TRIGGER tr_message_queue_phone_e164_from_contact ON message_queue AFTER INSERT AS
BEGIN
    SET NOCOUNT ON;
    IF NOT EXISTS (SELECT 1 FROM inserted WHERE phone_e164 IS NULL)
        RETURN;

    UPDATE q SET phone_e164 = c.phone_e164
    FROM message_queue AS q
    INNER JOIN inserted AS i ON i.message_id = q.message_id
    INNER JOIN contacts AS c ON c.contact_id = q.contact_id
    WHERE i.phone_e164 IS NULL AND q.phone_e164 IS NULL AND c.phone_e164 IS NOT NULL;
END;
GO
