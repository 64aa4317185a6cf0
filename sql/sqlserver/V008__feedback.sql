-- V008 feedback (SQL Server): Meta's webhooks received by Vinculo itself, and what comes back from WhatsApp applied.
--
-- webhook_payloads keeps every signed POST as it arrived, before anything reads it: the same bytes twice (Meta retries for
-- up to 36 hours) are one row, by the SHA-256 of the body. process-inbound normalises each payload once into the tables
-- below (processed_at, outcome), and retention deletes processed payloads after Retention:WebhookPayloadDays.
CREATE TABLE webhook_payloads (
    payload_id   bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_webhook_payloads PRIMARY KEY,
    received_at  datetime2(3) NOT NULL,
    body         nvarchar(max) NOT NULL,
    body_sha256  nvarchar(64) NOT NULL,
    processed_at datetime2(3) NULL,
    outcome      nvarchar(400) NULL,
    CONSTRAINT ck_webhook_payloads_body_sha256 CHECK (LEN(body_sha256) = 64 AND body_sha256 COLLATE Latin1_General_BIN2 NOT LIKE N'%[^0-9a-f]%')
);
GO

CREATE UNIQUE INDEX ux_webhook_payloads_body_sha256 ON webhook_payloads (body_sha256);
GO

CREATE INDEX ix_webhook_payloads_unprocessed ON webhook_payloads (received_at, payload_id) WHERE processed_at IS NULL;
GO

CREATE INDEX ix_webhook_payloads_received_at ON webhook_payloads (received_at);
GO

-- What a normalised row came from, and for inbound messages what it was (text, button, interactive, image, …) and the
-- message it answers (context.id: the wamid of one of our sends).
ALTER TABLE inbound_messages ADD kind nvarchar(40) NULL, context_id nvarchar(200) NULL, payload_id bigint NULL;
GO

-- A delivery status names its recipient (wa_id, and from 2026 the business-scoped user id); outcome says what applying it
-- did (applied, ignored as older than the message's state, no such message).
ALTER TABLE message_status_events ADD recipient_id nvarchar(64) NULL, recipient_user_id nvarchar(200) NULL, payload_id bigint NULL, outcome nvarchar(400) NULL;
GO

-- The same preference change arriving in two payloads is one event: event_key is a hash of who, what and when.
ALTER TABLE preference_events ADD event_key nvarchar(64) NULL, payload_id bigint NULL;
GO

CREATE UNIQUE INDEX ux_preference_events_event_key ON preference_events (event_key) WHERE event_key IS NOT NULL;
GO

-- When a person last lifted a content's pause (vinculo content resume): the circuit breaker counts only what was sent after it.
ALTER TABLE contents ADD resumed_at datetime2(3) NULL;
GO

-- A business-scoped user id is a country code, a dot and up to 128 characters: wider columns than V001 and V003 gave it.
ALTER TABLE inbound_messages ALTER COLUMN wa_user_id nvarchar(200) NULL;
GO

ALTER TABLE preference_events ALTER COLUMN wa_user_id nvarchar(200) NULL;
GO

DROP INDEX ix_contacts_whatsapp_user_id ON contacts;
GO

ALTER TABLE contacts ALTER COLUMN whatsapp_user_id nvarchar(200) NULL;
GO

CREATE INDEX ix_contacts_whatsapp_user_id ON contacts (whatsapp_user_id) WHERE whatsapp_user_id IS NOT NULL;
GO
