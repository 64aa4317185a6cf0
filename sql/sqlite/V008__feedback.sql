-- V008 feedback (SQLite): Meta's webhooks received by Vinculo itself, and what comes back from WhatsApp applied.
--
-- webhook_payloads keeps every signed POST as it arrived, before anything reads it: the same bytes twice (Meta retries for
-- up to 36 hours) are one row, by the SHA-256 of the body. process-inbound normalises each payload once into the tables
-- below (processed_at, outcome), and retention deletes processed payloads after Retention:WebhookPayloadDays.
CREATE TABLE webhook_payloads (
    payload_id   INTEGER CONSTRAINT pk_webhook_payloads PRIMARY KEY,
    received_at  TEXT NOT NULL,
    body         TEXT NOT NULL,
    body_sha256  TEXT NOT NULL,
    processed_at TEXT NULL,
    outcome      TEXT NULL,
    CONSTRAINT ck_webhook_payloads_body_sha256 CHECK (length(body_sha256) = 64 AND body_sha256 NOT GLOB '*[^0-9a-f]*'),
    CONSTRAINT ck_webhook_payloads_received_at CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_webhook_payloads_processed_at CHECK (processed_at IS NULL OR processed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

CREATE UNIQUE INDEX ux_webhook_payloads_body_sha256 ON webhook_payloads (body_sha256);
CREATE INDEX ix_webhook_payloads_unprocessed ON webhook_payloads (received_at, payload_id) WHERE processed_at IS NULL;
CREATE INDEX ix_webhook_payloads_received_at ON webhook_payloads (received_at);

-- What a normalised row came from, and for inbound messages what it was (text, button, interactive, image, …) and the
-- message it answers (context.id: the wamid of one of our sends).
ALTER TABLE inbound_messages ADD COLUMN kind TEXT NULL;
ALTER TABLE inbound_messages ADD COLUMN context_id TEXT NULL;
ALTER TABLE inbound_messages ADD COLUMN payload_id INTEGER NULL;

-- A delivery status names its recipient (wa_id, and from 2026 the business-scoped user id); outcome says what applying it
-- did (applied, ignored as older than the message's state, no such message).
ALTER TABLE message_status_events ADD COLUMN recipient_id TEXT NULL;
ALTER TABLE message_status_events ADD COLUMN recipient_user_id TEXT NULL;
ALTER TABLE message_status_events ADD COLUMN payload_id INTEGER NULL;
ALTER TABLE message_status_events ADD COLUMN outcome TEXT NULL;

-- The same preference change arriving in two payloads is one event: event_key is a hash of who, what and when.
ALTER TABLE preference_events ADD COLUMN event_key TEXT NULL;
ALTER TABLE preference_events ADD COLUMN payload_id INTEGER NULL;
CREATE UNIQUE INDEX ux_preference_events_event_key ON preference_events (event_key) WHERE event_key IS NOT NULL;

-- When a person last lifted a content's pause (vinculo content resume): the circuit breaker counts only what was sent after it.
ALTER TABLE contents ADD COLUMN resumed_at TEXT NULL
    CONSTRAINT ck_contents_resumed_at CHECK (resumed_at IS NULL OR resumed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z');
