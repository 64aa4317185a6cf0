-- V009 defaults for other writers (SQLite). evolve-tx-off: this script opens and commits its own transaction (see below).
--
-- SPEC section 8: other tools write these tables too, and a writer that names only the columns the SPEC lists must succeed.
-- Every NOT NULL column that says when the row was written now defaults to the moment of the INSERT, in the one stored
-- form (2026-11-23T05:00:00.123Z, which the GLOB CHECKs accept and which compares with Vinculo's own rows as text):
--   contacts.created_at, contacts.updated_at, consents.changed_at, suppression_list.added_at, erasure_requests.requested_at,
--   inbound_messages.received_at, contents.created_at, contents.updated_at, message_queue.created_at, message_queue.updated_at,
--   message_status_events.received_at, job_runs.started_at, preference_events.received_at, import_files.imported_at,
--   webhook_payloads.received_at.
-- Times of what happened elsewhere stay the writer's to give, never invented: interactions.occurred_at (a purchase's date
-- drives relevance), consent_events.occurred_at (the business's proof of consent), message_status_events.occurred_at and
-- preference_events.occurred_at (Meta's own time), message_queue.scheduled_at.
--
-- message_queue.phone_e164 (the number the message is for, which the cap and the dispatcher's re-check go by) is not a
-- SPEC column: a row without it takes its contact's current number. When the contact has no number either the row keeps
-- NULL, and the dispatcher's re-check cancels it unsent. A NULL number is outside the one-message-per-number-and-day key.
--
-- SQLite cannot give an existing column a default, so those twelve tables are rebuilt by SQLite's own procedure
-- (https://www.sqlite.org/lang_altertable.html#otheralter): foreign keys off, one transaction, a new table with the same
-- columns, constraints and names, the rows copied, the old table dropped, the new one renamed, its indexes and triggers
-- (dropped with the old table) created again exactly as before, foreign keys back on. PRAGMA foreign_keys does nothing
-- inside a transaction, hence evolve-tx-off on the first line, which keeps Evolve from wrapping the script in its own.
-- Rows copy as they are: foreign keys off keeps rows another tool wrote without them (a contact_id with no contact), and
-- the CHECKs are skipped while copying, as Vinculo's own bulk writes skip them (every row passed them, or was written
-- like that). legacy_alter_table makes the rename touch the renamed table alone, so the views (V002, V005, and any view a
-- user made) stay as they are and read the new tables by name. Should the process die between the COMMIT and Evolve's
-- record of this version, running the script again rebuilds the same tables once more, with the same result.

PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = ON;
PRAGMA ignore_check_constraints = ON;

BEGIN IMMEDIATE;

CREATE TABLE new_contacts (
    contact_id            INTEGER CONSTRAINT pk_contacts PRIMARY KEY,
    external_ref          TEXT NULL,
    name                  TEXT NULL,
    phone_raw             TEXT NULL,
    phone_e164            TEXT NULL,
    phone_hash            TEXT NULL,
    phone_status          TEXT NOT NULL DEFAULT 'unchecked',
    phone_type            TEXT NULL,
    phone_region          TEXT NULL,
    time_zone             TEXT NULL,
    phone_note            TEXT NULL,
    phone_error           TEXT NULL,
    duplicate_of          INTEGER NULL,
    phone_checked_at      TEXT NULL,
    phone_checked_version TEXT NULL,
    phone_failures        INTEGER NOT NULL DEFAULT 0,
    whatsapp_id           TEXT NULL,
    whatsapp_user_id      TEXT NULL,
    preferred_hour        INTEGER NULL,
    last_interaction_at   TEXT NULL,
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    erased_at             TEXT NULL,
    CONSTRAINT ck_contacts_phone_hash CHECK (phone_hash IS NULL OR (length(phone_hash) = 64 AND phone_hash NOT GLOB '*[^0-9a-f]*')),
    CONSTRAINT ck_contacts_phone_status CHECK (phone_status IN ('unchecked', 'valid', 'repaired', 'landline', 'invalid', 'duplicate', 'unreachable')),
    CONSTRAINT ck_contacts_phone_error CHECK (phone_error IS NULL OR phone_error IN ('empty', 'not_a_number', 'too_short', 'too_long', 'invalid_country_code', 'missing_area_code', 'invalid_area_code', 'invalid_number')),
    CONSTRAINT ck_contacts_phone_failures CHECK (phone_failures >= 0),
    CONSTRAINT ck_contacts_preferred_hour CHECK (preferred_hour IS NULL OR preferred_hour BETWEEN 0 AND 23),
    CONSTRAINT ck_contacts_phone_checked_at CHECK (phone_checked_at IS NULL OR phone_checked_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contacts_last_interaction_at CHECK (last_interaction_at IS NULL OR last_interaction_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contacts_created_at CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contacts_updated_at CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contacts_erased_at CHECK (erased_at IS NULL OR erased_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_contacts (
    contact_id, external_ref, name, phone_raw, phone_e164, phone_hash, phone_status, phone_type, phone_region, time_zone, phone_note,
    phone_error, duplicate_of, phone_checked_at, phone_checked_version, phone_failures, whatsapp_id, whatsapp_user_id, preferred_hour,
    last_interaction_at, created_at, updated_at, erased_at)
SELECT contact_id, external_ref, name, phone_raw, phone_e164, phone_hash, phone_status, phone_type, phone_region, time_zone, phone_note,
       phone_error, duplicate_of, phone_checked_at, phone_checked_version, phone_failures, whatsapp_id, whatsapp_user_id, preferred_hour,
       last_interaction_at, created_at, updated_at, erased_at
FROM contacts;

DROP TABLE contacts;
ALTER TABLE new_contacts RENAME TO contacts;

CREATE UNIQUE INDEX ux_contacts_external_ref ON contacts (external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX ix_contacts_phone_e164 ON contacts (phone_e164, erased_at);
CREATE INDEX ix_contacts_duplicates ON contacts (phone_e164) WHERE phone_status = 'duplicate';
CREATE INDEX ix_contacts_whatsapp_id ON contacts (whatsapp_id) WHERE whatsapp_id IS NOT NULL;
CREATE INDEX ix_contacts_whatsapp_user_id ON contacts (whatsapp_user_id) WHERE whatsapp_user_id IS NOT NULL;
CREATE INDEX ix_contacts_duplicate_of ON contacts (duplicate_of) WHERE duplicate_of IS NOT NULL;

CREATE TRIGGER tr_contacts_phone_raw_changed
AFTER UPDATE OF phone_raw ON contacts
FOR EACH ROW WHEN OLD.phone_raw IS NOT NEW.phone_raw
BEGIN
    UPDATE contacts SET phone_checked_at = NULL WHERE contact_id = NEW.contact_id;
END;

CREATE TABLE new_consents (
    contact_id        INTEGER NOT NULL CONSTRAINT pk_consents PRIMARY KEY,
    status            TEXT NOT NULL,
    source            TEXT NOT NULL,
    granted_at        TEXT NULL,
    last_confirmed_at TEXT NULL,
    expires_at        TEXT NULL,
    changed_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    reason            TEXT NULL,
    CONSTRAINT fk_consents_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_consents_status CHECK (status IN ('granted', 'revoked', 'expired')),
    CONSTRAINT ck_consents_source CHECK (source IN ('form', 'whatsapp', 'import', 'chat', 'other')),
    CONSTRAINT ck_consents_granted_at CHECK (granted_at IS NULL OR granted_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_consents_last_confirmed_at CHECK (last_confirmed_at IS NULL OR last_confirmed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_consents_expires_at CHECK (expires_at IS NULL OR expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_consents_changed_at CHECK (changed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_consents (contact_id, status, source, granted_at, last_confirmed_at, expires_at, changed_at, reason)
SELECT contact_id, status, source, granted_at, last_confirmed_at, expires_at, changed_at, reason FROM consents;

DROP TABLE consents;
ALTER TABLE new_consents RENAME TO consents;

CREATE TABLE new_suppression_list (
    phone_hash TEXT NOT NULL CONSTRAINT pk_suppression_list PRIMARY KEY,
    reason     TEXT NOT NULL,
    added_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT ck_suppression_list_phone_hash CHECK (length(phone_hash) = 64 AND phone_hash NOT GLOB '*[^0-9a-f]*'),
    CONSTRAINT ck_suppression_list_added_at CHECK (added_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_suppression_list (phone_hash, reason, added_at) SELECT phone_hash, reason, added_at FROM suppression_list;

DROP TABLE suppression_list;
ALTER TABLE new_suppression_list RENAME TO suppression_list;

CREATE TABLE new_erasure_requests (
    request_id   INTEGER CONSTRAINT pk_erasure_requests PRIMARY KEY,
    phone        TEXT NULL,
    contact_id   INTEGER NULL,
    requested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    status       TEXT NOT NULL DEFAULT 'pending',
    processed_at TEXT NULL,
    result       TEXT NULL,
    CONSTRAINT fk_erasure_requests_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_erasure_requests_status CHECK (status IN ('pending', 'done', 'failed')),
    CONSTRAINT ck_erasure_requests_requested_at CHECK (requested_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_erasure_requests_processed_at CHECK (processed_at IS NULL OR processed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_erasure_requests (request_id, phone, contact_id, requested_at, status, processed_at, result)
SELECT request_id, phone, contact_id, requested_at, status, processed_at, result FROM erasure_requests;

DROP TABLE erasure_requests;
ALTER TABLE new_erasure_requests RENAME TO erasure_requests;

CREATE INDEX ix_erasure_requests_status_requested_at ON erasure_requests (status, requested_at);

CREATE TABLE new_inbound_messages (
    inbound_id          INTEGER CONSTRAINT pk_inbound_messages PRIMARY KEY,
    provider_message_id TEXT NULL,
    from_phone          TEXT NULL,
    wa_user_id          TEXT NULL,
    body                TEXT NULL,
    received_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    processed_at        TEXT NULL,
    outcome             TEXT NULL,
    contact_id          INTEGER NULL REFERENCES contacts (contact_id),
    kind                TEXT NULL,
    context_id          TEXT NULL,
    payload_id          INTEGER NULL,
    CONSTRAINT ck_inbound_messages_received_at CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_inbound_messages_processed_at CHECK (processed_at IS NULL OR processed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_inbound_messages (
    inbound_id, provider_message_id, from_phone, wa_user_id, body, received_at, processed_at, outcome, contact_id, kind, context_id, payload_id)
SELECT inbound_id, provider_message_id, from_phone, wa_user_id, body, received_at, processed_at, outcome, contact_id, kind, context_id, payload_id
FROM inbound_messages;

DROP TABLE inbound_messages;
ALTER TABLE new_inbound_messages RENAME TO inbound_messages;

CREATE UNIQUE INDEX ux_inbound_messages_provider_message_id ON inbound_messages (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX ix_inbound_messages_unprocessed ON inbound_messages (received_at, inbound_id) WHERE processed_at IS NULL;
CREATE INDEX ix_inbound_messages_contact_id ON inbound_messages (contact_id) WHERE contact_id IS NOT NULL;

CREATE TABLE new_contents (
    content_id        INTEGER CONSTRAINT pk_contents PRIMARY KEY,
    name              TEXT NOT NULL,
    category          TEXT NULL,
    body              TEXT NOT NULL,
    template_name     TEXT NULL,
    template_language TEXT NULL,
    starts_at         TEXT NULL,
    ends_at           TEXT NULL,
    priority          INTEGER NOT NULL DEFAULT 0,
    active            INTEGER NOT NULL DEFAULT 1,
    paused_at         TEXT NULL,
    paused_reason     TEXT NULL,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    resumed_at        TEXT NULL
        CONSTRAINT ck_contents_resumed_at CHECK (resumed_at IS NULL OR resumed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contents_active CHECK (active IN (0, 1)),
    CONSTRAINT ck_contents_period CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at),
    CONSTRAINT ck_contents_starts_at CHECK (starts_at IS NULL OR starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contents_ends_at CHECK (ends_at IS NULL OR ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contents_paused_at CHECK (paused_at IS NULL OR paused_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contents_created_at CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contents_updated_at CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_contents (
    content_id, name, category, body, template_name, template_language, starts_at, ends_at, priority, active, paused_at, paused_reason,
    created_at, updated_at, resumed_at)
SELECT content_id, name, category, body, template_name, template_language, starts_at, ends_at, priority, active, paused_at, paused_reason,
       created_at, updated_at, resumed_at
FROM contents;

DROP TABLE contents;
ALTER TABLE new_contents RENAME TO contents;

CREATE TABLE new_message_queue (
    message_id          INTEGER CONSTRAINT pk_message_queue PRIMARY KEY,
    contact_id          INTEGER NOT NULL,
    content_id          INTEGER NOT NULL,
    phone_e164          TEXT NULL,
    scheduled_at        TEXT NOT NULL,
    relevance           REAL NOT NULL,
    score_detail        TEXT NULL,
    body                TEXT NULL,
    status              TEXT NOT NULL DEFAULT 'queued',
    status_reason       TEXT NULL,
    sent_as             TEXT NULL,
    provider_message_id TEXT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    sent_at             TEXT NULL,
    plan_day            TEXT NULL
        CONSTRAINT ck_message_queue_plan_day CHECK (plan_day IS NULL OR plan_day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    template_params     TEXT NULL,
    claimed_by          TEXT NULL,
    claimed_at          TEXT NULL
        CONSTRAINT ck_message_queue_claimed_at CHECK (claimed_at IS NULL OR claimed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    next_attempt_at     TEXT NULL
        CONSTRAINT ck_message_queue_next_attempt_at CHECK (next_attempt_at IS NULL OR next_attempt_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    error_code          INTEGER NULL,
    CONSTRAINT fk_message_queue_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT fk_message_queue_content_id FOREIGN KEY (content_id) REFERENCES contents (content_id),
    CONSTRAINT ck_message_queue_relevance CHECK (relevance BETWEEN 0 AND 1),
    CONSTRAINT ck_message_queue_status CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'cancelled')),
    CONSTRAINT ck_message_queue_sent_as CHECK (sent_as IS NULL OR sent_as IN ('session', 'template')),
    CONSTRAINT ck_message_queue_attempts CHECK (attempts >= 0),
    CONSTRAINT ck_message_queue_scheduled_at CHECK (scheduled_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_message_queue_created_at CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_message_queue_updated_at CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_message_queue_sent_at CHECK (sent_at IS NULL OR sent_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_message_queue (
    message_id, contact_id, content_id, phone_e164, scheduled_at, relevance, score_detail, body, status, status_reason, sent_as,
    provider_message_id, attempts, created_at, updated_at, sent_at, plan_day, template_params, claimed_by, claimed_at, next_attempt_at, error_code)
SELECT message_id, contact_id, content_id, phone_e164, scheduled_at, relevance, score_detail, body, status, status_reason, sent_as,
       provider_message_id, attempts, created_at, updated_at, sent_at, plan_day, template_params, claimed_by, claimed_at, next_attempt_at, error_code
FROM message_queue;

DROP TABLE message_queue;
ALTER TABLE new_message_queue RENAME TO message_queue;

CREATE UNIQUE INDEX ux_message_queue_provider_message_id ON message_queue (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX ix_message_queue_status_scheduled_at ON message_queue (status, scheduled_at);
CREATE INDEX ix_message_queue_phone_e164_scheduled_at ON message_queue (phone_e164, scheduled_at);
CREATE INDEX ix_message_queue_contact_id ON message_queue (contact_id);
CREATE INDEX ix_message_queue_content_id_status ON message_queue (content_id, status);
CREATE UNIQUE INDEX ux_message_queue_phone_e164_plan_day ON message_queue (phone_e164, plan_day)
    WHERE plan_day IS NOT NULL AND status IN ('queued', 'sending', 'sent', 'delivered', 'read') AND phone_e164 <> 'erased';
CREATE INDEX ix_message_queue_plan_day ON message_queue (plan_day, content_id) WHERE plan_day IS NOT NULL;
CREATE INDEX ix_message_queue_sent_at ON message_queue (sent_at) WHERE sent_at IS NOT NULL;

-- A row written without a number takes its contact's, once, as it is inserted (a later change of the contact's number
-- leaves the message alone: the re-check then cancels it). A number already taken that day fails the INSERT, as it does
-- for a row that names it.
CREATE TRIGGER tr_message_queue_phone_e164_from_contact
AFTER INSERT ON message_queue
FOR EACH ROW WHEN NEW.phone_e164 IS NULL
BEGIN
    UPDATE message_queue SET phone_e164 = (SELECT phone_e164 FROM contacts WHERE contact_id = NEW.contact_id)
    WHERE message_id = NEW.message_id;
END;

CREATE TABLE new_message_status_events (
    event_id            INTEGER CONSTRAINT pk_message_status_events PRIMARY KEY,
    provider_message_id TEXT NOT NULL,
    status              TEXT NOT NULL,
    error_code          INTEGER NULL,
    error_title         TEXT NULL,
    occurred_at         TEXT NOT NULL,
    received_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    processed_at        TEXT NULL,
    recipient_id        TEXT NULL,
    recipient_user_id   TEXT NULL,
    payload_id          INTEGER NULL,
    outcome             TEXT NULL,
    CONSTRAINT ck_message_status_events_status CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
    CONSTRAINT ck_message_status_events_occurred_at CHECK (occurred_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_message_status_events_received_at CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_message_status_events_processed_at CHECK (processed_at IS NULL OR processed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_message_status_events (
    event_id, provider_message_id, status, error_code, error_title, occurred_at, received_at, processed_at, recipient_id, recipient_user_id,
    payload_id, outcome)
SELECT event_id, provider_message_id, status, error_code, error_title, occurred_at, received_at, processed_at, recipient_id, recipient_user_id,
       payload_id, outcome
FROM message_status_events;

DROP TABLE message_status_events;
ALTER TABLE new_message_status_events RENAME TO message_status_events;

CREATE INDEX ix_message_status_events_provider_message_id ON message_status_events (provider_message_id);
CREATE INDEX ix_message_status_events_unprocessed ON message_status_events (occurred_at, event_id) WHERE processed_at IS NULL;

CREATE TABLE new_job_runs (
    run_id      INTEGER CONSTRAINT pk_job_runs PRIMARY KEY,
    job_key     TEXT NOT NULL,
    node        TEXT NOT NULL,
    started_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at TEXT NULL,
    status      TEXT NOT NULL,
    scanned     INTEGER NOT NULL DEFAULT 0,
    changed     INTEGER NOT NULL DEFAULT 0,
    error       TEXT NULL,
    detail      TEXT NULL,
    CONSTRAINT ck_job_runs_status CHECK (status IN ('running', 'succeeded', 'failed')),
    CONSTRAINT ck_job_runs_started_at CHECK (started_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_job_runs_finished_at CHECK (finished_at IS NULL OR finished_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_job_runs (run_id, job_key, node, started_at, finished_at, status, scanned, changed, error, detail)
SELECT run_id, job_key, node, started_at, finished_at, status, scanned, changed, error, detail FROM job_runs;

DROP TABLE job_runs;
ALTER TABLE new_job_runs RENAME TO job_runs;

CREATE INDEX ix_job_runs_job_key_started_at ON job_runs (job_key, started_at);
CREATE INDEX ix_job_runs_running ON job_runs (status) WHERE status = 'running';

CREATE TABLE new_preference_events (
    preference_id INTEGER CONSTRAINT pk_preference_events PRIMARY KEY,
    from_phone    TEXT NULL,
    wa_user_id    TEXT NULL,
    category      TEXT NULL,
    value         TEXT NOT NULL,
    occurred_at   TEXT NOT NULL,
    received_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    processed_at  TEXT NULL,
    outcome       TEXT NULL,
    contact_id    INTEGER NULL,
    event_key     TEXT NULL,
    payload_id    INTEGER NULL,
    CONSTRAINT fk_preference_events_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_preference_events_value CHECK (value IN ('stop', 'resume')),
    CONSTRAINT ck_preference_events_occurred_at CHECK (occurred_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_preference_events_received_at CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_preference_events_processed_at CHECK (processed_at IS NULL OR processed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_preference_events (
    preference_id, from_phone, wa_user_id, category, value, occurred_at, received_at, processed_at, outcome, contact_id, event_key, payload_id)
SELECT preference_id, from_phone, wa_user_id, category, value, occurred_at, received_at, processed_at, outcome, contact_id, event_key, payload_id
FROM preference_events;

DROP TABLE preference_events;
ALTER TABLE new_preference_events RENAME TO preference_events;

CREATE INDEX ix_preference_events_unprocessed ON preference_events (received_at, preference_id) WHERE processed_at IS NULL;
CREATE INDEX ix_preference_events_contact_id ON preference_events (contact_id) WHERE contact_id IS NOT NULL;
CREATE UNIQUE INDEX ux_preference_events_event_key ON preference_events (event_key) WHERE event_key IS NOT NULL;

CREATE TABLE new_import_files (
    import_id          INTEGER CONSTRAINT pk_import_files PRIMARY KEY,
    content_sha256     TEXT NOT NULL,
    kind               TEXT NOT NULL,
    outcome            TEXT NOT NULL,
    interactions_added INTEGER NOT NULL DEFAULT 0,
    contacts_created   INTEGER NOT NULL DEFAULT 0,
    contacts_updated   INTEGER NOT NULL DEFAULT 0,
    rows_rejected      INTEGER NOT NULL DEFAULT 0,
    imported_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT ck_import_files_content_sha256 CHECK (length(content_sha256) = 64 AND content_sha256 NOT GLOB '*[^0-9a-f]*'),
    CONSTRAINT ck_import_files_kind CHECK (kind IN ('chat', 'contacts', 'suppression', 'unknown')),
    CONSTRAINT ck_import_files_outcome CHECK (outcome IN ('archived', 'quarantined')),
    CONSTRAINT ck_import_files_imported_at CHECK (imported_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_import_files (
    import_id, content_sha256, kind, outcome, interactions_added, contacts_created, contacts_updated, rows_rejected, imported_at)
SELECT import_id, content_sha256, kind, outcome, interactions_added, contacts_created, contacts_updated, rows_rejected, imported_at
FROM import_files;

DROP TABLE import_files;
ALTER TABLE new_import_files RENAME TO import_files;

CREATE INDEX ix_import_files_imported_at ON import_files (imported_at);

CREATE TABLE new_webhook_payloads (
    payload_id   INTEGER CONSTRAINT pk_webhook_payloads PRIMARY KEY,
    received_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    body         TEXT NOT NULL,
    body_sha256  TEXT NOT NULL,
    processed_at TEXT NULL,
    outcome      TEXT NULL,
    CONSTRAINT ck_webhook_payloads_body_sha256 CHECK (length(body_sha256) = 64 AND body_sha256 NOT GLOB '*[^0-9a-f]*'),
    CONSTRAINT ck_webhook_payloads_received_at CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_webhook_payloads_processed_at CHECK (processed_at IS NULL OR processed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

INSERT INTO new_webhook_payloads (payload_id, received_at, body, body_sha256, processed_at, outcome)
SELECT payload_id, received_at, body, body_sha256, processed_at, outcome FROM webhook_payloads;

DROP TABLE webhook_payloads;
ALTER TABLE new_webhook_payloads RENAME TO webhook_payloads;

CREATE UNIQUE INDEX ux_webhook_payloads_body_sha256 ON webhook_payloads (body_sha256);
CREATE INDEX ix_webhook_payloads_unprocessed ON webhook_payloads (received_at, payload_id) WHERE processed_at IS NULL;
CREATE INDEX ix_webhook_payloads_received_at ON webhook_payloads (received_at);

COMMIT;

PRAGMA ignore_check_constraints = OFF;
PRAGMA legacy_alter_table = OFF;
PRAGMA foreign_keys = ON;
