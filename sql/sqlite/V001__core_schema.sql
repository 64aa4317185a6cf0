-- V001 core schema (SQLite): contacts, consents, consent_events (append-only), suppression_list,
-- erasure_requests, interactions, inbound_messages, contents, message_queue, message_status_events
-- and job_runs, with their constraints and indexes. Quartz tables are created by a separate script.
--
-- Timestamps are UTC text in exactly one form, 2026-11-23T05:00:00.000Z, enforced by CHECK so that
-- rows written by other tools compare and sort correctly as text. Foreign keys are enforced only on
-- connections that run PRAGMA foreign_keys = ON.

CREATE TABLE contacts (
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
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
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

CREATE UNIQUE INDEX ux_contacts_external_ref ON contacts (external_ref) WHERE external_ref IS NOT NULL;
-- erased_at in the key lets the duplicate pass group live numbers from the index alone.
CREATE INDEX ix_contacts_phone_e164 ON contacts (phone_e164, erased_at);
-- No index on phone_hash (suppression is checked through suppression_list's key) nor on the
-- low-selectivity phone_status: every index here is maintained for each of the millions of rows the
-- nightly revalidation writes. The duplicate bookkeeping touches few rows, so its indexes are filtered.
CREATE INDEX ix_contacts_duplicates ON contacts (phone_e164) WHERE phone_status = 'duplicate';
CREATE INDEX ix_contacts_whatsapp_id ON contacts (whatsapp_id) WHERE whatsapp_id IS NOT NULL;
CREATE INDEX ix_contacts_whatsapp_user_id ON contacts (whatsapp_user_id) WHERE whatsapp_user_id IS NOT NULL;
-- duplicate_of is written by revalidate-phones alone and carries no foreign key: on SQLite a
-- self-referencing key costs a check on every update of the table, and the sweep updates millions of rows.
CREATE INDEX ix_contacts_duplicate_of ON contacts (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- A changed phone_raw, written by Vinculo or by any other tool, makes the number due for a check:
-- revalidate-phones classifies rows whose phone_checked_at is NULL afresh, and what the old number
-- had earned (an unreachable mark, undeliverable reports) does not carry over.
CREATE TRIGGER tr_contacts_phone_raw_changed
AFTER UPDATE OF phone_raw ON contacts
FOR EACH ROW WHEN OLD.phone_raw IS NOT NEW.phone_raw
BEGIN
    UPDATE contacts SET phone_checked_at = NULL WHERE contact_id = NEW.contact_id;
END;

CREATE TABLE consents (
    contact_id        INTEGER NOT NULL CONSTRAINT pk_consents PRIMARY KEY,
    status            TEXT NOT NULL,
    source            TEXT NOT NULL,
    granted_at        TEXT NULL,
    last_confirmed_at TEXT NULL,
    expires_at        TEXT NULL,
    changed_at        TEXT NOT NULL,
    reason            TEXT NULL,
    CONSTRAINT fk_consents_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_consents_status CHECK (status IN ('granted', 'revoked', 'expired')),
    CONSTRAINT ck_consents_source CHECK (source IN ('form', 'whatsapp', 'import', 'chat', 'other')),
    CONSTRAINT ck_consents_granted_at CHECK (granted_at IS NULL OR granted_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_consents_last_confirmed_at CHECK (last_confirmed_at IS NULL OR last_confirmed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_consents_expires_at CHECK (expires_at IS NULL OR expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_consents_changed_at CHECK (changed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

CREATE INDEX ix_consents_status_last_confirmed_at ON consents (status, last_confirmed_at);

-- The business's proof of consent (LGPD art. 8, paragraph 2): rows are only ever inserted. The triggers below
-- refuse UPDATE and DELETE for every writer, not just the worker. Because of them a contact that has
-- events cannot be deleted either (its events would dangle): erasure anonymises the contact row.
CREATE TABLE consent_events (
    event_id    INTEGER CONSTRAINT pk_consent_events PRIMARY KEY,
    contact_id  INTEGER NULL,
    event       TEXT NOT NULL,
    source      TEXT NULL,
    detail      TEXT NULL,
    occurred_at TEXT NOT NULL,
    CONSTRAINT fk_consent_events_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_consent_events_event CHECK (event IN ('granted', 'renewed', 'revoked', 'expired', 'erased')),
    CONSTRAINT ck_consent_events_source CHECK (source IS NULL OR source IN ('form', 'whatsapp', 'import', 'chat', 'other')),
    CONSTRAINT ck_consent_events_occurred_at CHECK (occurred_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

CREATE INDEX ix_consent_events_contact_id_occurred_at ON consent_events (contact_id, occurred_at);

CREATE TRIGGER tr_consent_events_no_update
BEFORE UPDATE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only: UPDATE and DELETE are refused');
END;

CREATE TRIGGER tr_consent_events_no_delete
BEFORE DELETE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only: UPDATE and DELETE are refused');
END;

-- phone_hash: lower-case hex SHA-256 of the E.164 number (the same value as contacts.phone_hash).
CREATE TABLE suppression_list (
    phone_hash TEXT NOT NULL CONSTRAINT pk_suppression_list PRIMARY KEY,
    reason     TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    CONSTRAINT ck_suppression_list_phone_hash CHECK (length(phone_hash) = 64 AND phone_hash NOT GLOB '*[^0-9a-f]*'),
    CONSTRAINT ck_suppression_list_added_at CHECK (added_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

CREATE TABLE erasure_requests (
    request_id   INTEGER CONSTRAINT pk_erasure_requests PRIMARY KEY,
    phone        TEXT NULL,
    contact_id   INTEGER NULL,
    requested_at TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    processed_at TEXT NULL,
    result       TEXT NULL,
    CONSTRAINT fk_erasure_requests_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_erasure_requests_status CHECK (status IN ('pending', 'done', 'failed')),
    CONSTRAINT ck_erasure_requests_requested_at CHECK (requested_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_erasure_requests_processed_at CHECK (processed_at IS NULL OR processed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

CREATE INDEX ix_erasure_requests_status_requested_at ON erasure_requests (status, requested_at);

CREATE TABLE interactions (
    interaction_id INTEGER CONSTRAINT pk_interactions PRIMARY KEY,
    contact_id     INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    occurred_at    TEXT NOT NULL,
    product        TEXT NULL,
    category       TEXT NULL,
    amount         NUMERIC NULL,
    source         TEXT NULL,
    CONSTRAINT fk_interactions_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_interactions_kind CHECK (kind IN ('message_in', 'purchase', 'read', 'reply', 'click')),
    CONSTRAINT ck_interactions_occurred_at CHECK (occurred_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

CREATE INDEX ix_interactions_contact_id_occurred_at ON interactions (contact_id, occurred_at);

CREATE TABLE inbound_messages (
    inbound_id          INTEGER CONSTRAINT pk_inbound_messages PRIMARY KEY,
    provider_message_id TEXT NULL,
    from_phone          TEXT NULL,
    wa_user_id          TEXT NULL,
    body                TEXT NULL,
    received_at         TEXT NOT NULL,
    processed_at        TEXT NULL,
    outcome             TEXT NULL,
    CONSTRAINT ck_inbound_messages_received_at CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_inbound_messages_processed_at CHECK (processed_at IS NULL OR processed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

-- A webhook retry must not insert the same provider message twice.
CREATE UNIQUE INDEX ux_inbound_messages_provider_message_id ON inbound_messages (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX ix_inbound_messages_unprocessed ON inbound_messages (received_at, inbound_id) WHERE processed_at IS NULL;

CREATE TABLE contents (
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
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CONSTRAINT ck_contents_active CHECK (active IN (0, 1)),
    CONSTRAINT ck_contents_period CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at),
    CONSTRAINT ck_contents_starts_at CHECK (starts_at IS NULL OR starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contents_ends_at CHECK (ends_at IS NULL OR ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contents_paused_at CHECK (paused_at IS NULL OR paused_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contents_created_at CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_contents_updated_at CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

-- phone_e164 is the number the message is planned for: the frequency cap works per number, not per row.
CREATE TABLE message_queue (
    message_id          INTEGER CONSTRAINT pk_message_queue PRIMARY KEY,
    contact_id          INTEGER NOT NULL,
    content_id          INTEGER NOT NULL,
    phone_e164          TEXT NOT NULL,
    scheduled_at        TEXT NOT NULL,
    relevance           REAL NOT NULL,
    score_detail        TEXT NULL,
    body                TEXT NULL,
    status              TEXT NOT NULL DEFAULT 'queued',
    status_reason       TEXT NULL,
    sent_as             TEXT NULL,
    provider_message_id TEXT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    sent_at             TEXT NULL,
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

CREATE UNIQUE INDEX ux_message_queue_provider_message_id ON message_queue (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX ix_message_queue_status_scheduled_at ON message_queue (status, scheduled_at);
CREATE INDEX ix_message_queue_phone_e164_scheduled_at ON message_queue (phone_e164, scheduled_at);
CREATE INDEX ix_message_queue_contact_id ON message_queue (contact_id);
CREATE INDEX ix_message_queue_content_id_status ON message_queue (content_id, status);

CREATE TABLE message_status_events (
    event_id            INTEGER CONSTRAINT pk_message_status_events PRIMARY KEY,
    provider_message_id TEXT NOT NULL,
    status              TEXT NOT NULL,
    error_code          INTEGER NULL,
    error_title         TEXT NULL,
    occurred_at         TEXT NOT NULL,
    received_at         TEXT NOT NULL,
    processed_at        TEXT NULL,
    CONSTRAINT ck_message_status_events_status CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
    CONSTRAINT ck_message_status_events_occurred_at CHECK (occurred_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_message_status_events_received_at CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_message_status_events_processed_at CHECK (processed_at IS NULL OR processed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

CREATE INDEX ix_message_status_events_provider_message_id ON message_status_events (provider_message_id);
CREATE INDEX ix_message_status_events_unprocessed ON message_status_events (occurred_at, event_id) WHERE processed_at IS NULL;

CREATE TABLE job_runs (
    run_id      INTEGER CONSTRAINT pk_job_runs PRIMARY KEY,
    job_key     TEXT NOT NULL,
    node        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
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

CREATE INDEX ix_job_runs_job_key_started_at ON job_runs (job_key, started_at);
CREATE INDEX ix_job_runs_running ON job_runs (status) WHERE status = 'running';
