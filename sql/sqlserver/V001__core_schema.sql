-- V001 core schema (SQL Server, schema dbo): contacts, consents, consent_events (append-only),
-- suppression_list, erasure_requests, interactions, inbound_messages, contents, message_queue,
-- message_status_events and job_runs, with their constraints and indexes. Quartz tables are created
-- by a separate script. Batches are separated by GO lines (CREATE TRIGGER must start a batch).
--
-- All timestamps are datetime2(3) holding UTC instants. Value-list CHECKs compare with a binary
-- collation so that 'Valid' is refused here as it is on SQLite and PostgreSQL, whatever the
-- database's default collation. "Unique when set" columns use filtered unique indexes.

CREATE TABLE contacts (
    contact_id            bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_contacts PRIMARY KEY,
    external_ref          nvarchar(200) NULL,
    name                  nvarchar(400) NULL,
    phone_raw             nvarchar(max) NULL,
    phone_e164            nvarchar(32) NULL,
    phone_hash            nvarchar(64) NULL,
    phone_status          nvarchar(20) NOT NULL CONSTRAINT df_contacts_phone_status DEFAULT N'unchecked',
    phone_type            nvarchar(40) NULL,
    phone_region          nvarchar(10) NULL,
    time_zone             nvarchar(64) NULL,
    phone_note            nvarchar(200) NULL,
    phone_error           nvarchar(30) NULL,
    duplicate_of          bigint NULL,
    phone_checked_at      datetime2(3) NULL,
    phone_checked_version nvarchar(50) NULL,
    phone_failures        int NOT NULL CONSTRAINT df_contacts_phone_failures DEFAULT 0,
    whatsapp_id           nvarchar(32) NULL,
    whatsapp_user_id      nvarchar(128) NULL,
    preferred_hour        smallint NULL,
    last_interaction_at   datetime2(3) NULL,
    created_at            datetime2(3) NOT NULL,
    updated_at            datetime2(3) NOT NULL,
    erased_at             datetime2(3) NULL,
    CONSTRAINT ck_contacts_phone_hash CHECK (phone_hash IS NULL OR (LEN(phone_hash) = 64 AND phone_hash COLLATE Latin1_General_BIN2 NOT LIKE N'%[^0-9a-f]%')),
    CONSTRAINT ck_contacts_phone_status CHECK (phone_status COLLATE Latin1_General_BIN2 IN (N'unchecked', N'valid', N'repaired', N'landline', N'invalid', N'duplicate', N'unreachable')),
    CONSTRAINT ck_contacts_phone_error CHECK (phone_error IS NULL OR phone_error COLLATE Latin1_General_BIN2 IN (N'empty', N'not_a_number', N'too_short', N'too_long', N'invalid_country_code', N'missing_area_code', N'invalid_area_code', N'invalid_number')),
    CONSTRAINT ck_contacts_phone_failures CHECK (phone_failures >= 0),
    CONSTRAINT ck_contacts_preferred_hour CHECK (preferred_hour IS NULL OR preferred_hour BETWEEN 0 AND 23)
);

CREATE UNIQUE INDEX ux_contacts_external_ref ON contacts (external_ref) WHERE external_ref IS NOT NULL;
-- erased_at in the key lets the duplicate pass group live numbers from the index alone.
CREATE INDEX ix_contacts_phone_e164 ON contacts (phone_e164, erased_at);
-- No index on phone_hash (suppression is checked through suppression_list's key) nor on the
-- low-selectivity phone_status: every index here is maintained for each of the millions of rows the
-- nightly revalidation writes. The duplicate bookkeeping touches few rows, so its indexes are filtered.
CREATE INDEX ix_contacts_duplicates ON contacts (phone_e164) WHERE phone_status = N'duplicate';
CREATE INDEX ix_contacts_whatsapp_id ON contacts (whatsapp_id) WHERE whatsapp_id IS NOT NULL;
CREATE INDEX ix_contacts_whatsapp_user_id ON contacts (whatsapp_user_id) WHERE whatsapp_user_id IS NOT NULL;
-- duplicate_of is written by revalidate-phones alone and carries no foreign key: on SQLite a
-- self-referencing key costs a check on every update of the table, and the sweep updates millions of rows.
CREATE INDEX ix_contacts_duplicate_of ON contacts (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- A changed phone_raw, written by Vinculo or by any other tool, makes the number due for a check:
-- revalidate-phones classifies rows whose phone_checked_at is NULL afresh, and what the old number
-- had earned (an unreachable mark, undeliverable reports) does not carry over.
GO

CREATE TRIGGER tr_contacts_phone_raw_changed ON contacts AFTER UPDATE AS
BEGIN
    SET NOCOUNT ON;
    IF UPDATE(phone_raw)
        UPDATE c SET phone_checked_at = NULL
        FROM contacts AS c
        INNER JOIN inserted AS i ON i.contact_id = c.contact_id
        INNER JOIN deleted AS d ON d.contact_id = i.contact_id
        WHERE i.phone_raw <> d.phone_raw
           OR (i.phone_raw IS NULL AND d.phone_raw IS NOT NULL)
           OR (i.phone_raw IS NOT NULL AND d.phone_raw IS NULL);
END;
GO

CREATE TABLE consents (
    contact_id        bigint NOT NULL CONSTRAINT pk_consents PRIMARY KEY,
    status            nvarchar(20) NOT NULL,
    source            nvarchar(20) NOT NULL,
    granted_at        datetime2(3) NULL,
    last_confirmed_at datetime2(3) NULL,
    expires_at        datetime2(3) NULL,
    changed_at        datetime2(3) NOT NULL,
    reason            nvarchar(max) NULL,
    CONSTRAINT fk_consents_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_consents_status CHECK (status COLLATE Latin1_General_BIN2 IN (N'granted', N'revoked', N'expired')),
    CONSTRAINT ck_consents_source CHECK (source COLLATE Latin1_General_BIN2 IN (N'form', N'whatsapp', N'import', N'chat', N'other'))
);

CREATE INDEX ix_consents_status_last_confirmed_at ON consents (status, last_confirmed_at);

-- The business's proof of consent (LGPD art. 8, paragraph 2): rows are only ever inserted. The trigger below
-- refuses UPDATE and DELETE for every writer, not just the worker. Because of it a contact that has
-- events cannot be deleted either (its events would dangle): erasure anonymises the contact row.
-- TRUNCATE TABLE fires no trigger in SQL Server; it needs ALTER permission, which the worker's login
-- should not have.
CREATE TABLE consent_events (
    event_id    bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_consent_events PRIMARY KEY,
    contact_id  bigint NULL,
    event       nvarchar(20) NOT NULL,
    source      nvarchar(20) NULL,
    detail      nvarchar(max) NULL,
    occurred_at datetime2(3) NOT NULL,
    CONSTRAINT fk_consent_events_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_consent_events_event CHECK (event COLLATE Latin1_General_BIN2 IN (N'granted', N'renewed', N'revoked', N'expired', N'erased')),
    CONSTRAINT ck_consent_events_source CHECK (source IS NULL OR source COLLATE Latin1_General_BIN2 IN (N'form', N'whatsapp', N'import', N'chat', N'other'))
);

CREATE INDEX ix_consent_events_contact_id_occurred_at ON consent_events (contact_id, occurred_at);
GO

CREATE TRIGGER tr_consent_events_append_only
ON consent_events
INSTEAD OF UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    -- Like the row triggers on the other engines, a statement that touches no row is not an error.
    IF EXISTS (SELECT 1 FROM deleted)
    BEGIN
        THROW 51000, N'consent_events is append-only: UPDATE and DELETE are refused', 1;
    END;
END;
GO

-- phone_hash: lower-case hex SHA-256 of the E.164 number (the same value as contacts.phone_hash).
CREATE TABLE suppression_list (
    phone_hash nvarchar(64) NOT NULL CONSTRAINT pk_suppression_list PRIMARY KEY,
    reason     nvarchar(200) NOT NULL,
    added_at   datetime2(3) NOT NULL,
    CONSTRAINT ck_suppression_list_phone_hash CHECK (LEN(phone_hash) = 64 AND phone_hash COLLATE Latin1_General_BIN2 NOT LIKE N'%[^0-9a-f]%')
);

CREATE TABLE erasure_requests (
    request_id   bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_erasure_requests PRIMARY KEY,
    phone        nvarchar(100) NULL,
    contact_id   bigint NULL,
    requested_at datetime2(3) NOT NULL,
    status       nvarchar(20) NOT NULL CONSTRAINT df_erasure_requests_status DEFAULT N'pending',
    processed_at datetime2(3) NULL,
    result       nvarchar(max) NULL,
    CONSTRAINT fk_erasure_requests_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_erasure_requests_status CHECK (status COLLATE Latin1_General_BIN2 IN (N'pending', N'done', N'failed'))
);

CREATE INDEX ix_erasure_requests_status_requested_at ON erasure_requests (status, requested_at);

CREATE TABLE interactions (
    interaction_id bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_interactions PRIMARY KEY,
    contact_id     bigint NOT NULL,
    kind           nvarchar(20) NOT NULL,
    occurred_at    datetime2(3) NOT NULL,
    product        nvarchar(400) NULL,
    category       nvarchar(200) NULL,
    amount         numeric(12,2) NULL,
    source         nvarchar(100) NULL,
    CONSTRAINT fk_interactions_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT ck_interactions_kind CHECK (kind COLLATE Latin1_General_BIN2 IN (N'message_in', N'purchase', N'read', N'reply', N'click'))
);

CREATE INDEX ix_interactions_contact_id_occurred_at ON interactions (contact_id, occurred_at);

CREATE TABLE inbound_messages (
    inbound_id          bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_inbound_messages PRIMARY KEY,
    provider_message_id nvarchar(200) NULL,
    from_phone          nvarchar(64) NULL,
    wa_user_id          nvarchar(128) NULL,
    body                nvarchar(max) NULL,
    received_at         datetime2(3) NOT NULL,
    processed_at        datetime2(3) NULL,
    outcome             nvarchar(100) NULL
);

-- A webhook retry must not insert the same provider message twice.
CREATE UNIQUE INDEX ux_inbound_messages_provider_message_id ON inbound_messages (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX ix_inbound_messages_unprocessed ON inbound_messages (received_at, inbound_id) WHERE processed_at IS NULL;

CREATE TABLE contents (
    content_id        bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_contents PRIMARY KEY,
    name              nvarchar(200) NOT NULL,
    category          nvarchar(200) NULL,
    body              nvarchar(max) NOT NULL,
    template_name     nvarchar(512) NULL,
    template_language nvarchar(20) NULL,
    starts_at         datetime2(3) NULL,
    ends_at           datetime2(3) NULL,
    priority          int NOT NULL CONSTRAINT df_contents_priority DEFAULT 0,
    active            bit NOT NULL CONSTRAINT df_contents_active DEFAULT 1,
    paused_at         datetime2(3) NULL,
    paused_reason     nvarchar(max) NULL,
    created_at        datetime2(3) NOT NULL,
    updated_at        datetime2(3) NOT NULL,
    CONSTRAINT ck_contents_period CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
);

-- phone_e164 is the number the message is planned for: the frequency cap works per number, not per row.
CREATE TABLE message_queue (
    message_id          bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_message_queue PRIMARY KEY,
    contact_id          bigint NOT NULL,
    content_id          bigint NOT NULL,
    phone_e164          nvarchar(32) NOT NULL,
    scheduled_at        datetime2(3) NOT NULL,
    relevance           float NOT NULL,
    score_detail        nvarchar(max) NULL,
    body                nvarchar(max) NULL,
    status              nvarchar(20) NOT NULL CONSTRAINT df_message_queue_status DEFAULT N'queued',
    status_reason       nvarchar(max) NULL,
    sent_as             nvarchar(20) NULL,
    provider_message_id nvarchar(200) NULL,
    attempts            int NOT NULL CONSTRAINT df_message_queue_attempts DEFAULT 0,
    created_at          datetime2(3) NOT NULL,
    updated_at          datetime2(3) NOT NULL,
    sent_at             datetime2(3) NULL,
    CONSTRAINT fk_message_queue_contact_id FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    CONSTRAINT fk_message_queue_content_id FOREIGN KEY (content_id) REFERENCES contents (content_id),
    CONSTRAINT ck_message_queue_relevance CHECK (relevance BETWEEN 0 AND 1),
    CONSTRAINT ck_message_queue_status CHECK (status COLLATE Latin1_General_BIN2 IN (N'queued', N'sending', N'sent', N'delivered', N'read', N'failed', N'cancelled')),
    CONSTRAINT ck_message_queue_sent_as CHECK (sent_as IS NULL OR sent_as COLLATE Latin1_General_BIN2 IN (N'session', N'template')),
    CONSTRAINT ck_message_queue_attempts CHECK (attempts >= 0)
);

CREATE UNIQUE INDEX ux_message_queue_provider_message_id ON message_queue (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX ix_message_queue_status_scheduled_at ON message_queue (status, scheduled_at);
CREATE INDEX ix_message_queue_phone_e164_scheduled_at ON message_queue (phone_e164, scheduled_at);
CREATE INDEX ix_message_queue_contact_id ON message_queue (contact_id);
CREATE INDEX ix_message_queue_content_id_status ON message_queue (content_id, status);

CREATE TABLE message_status_events (
    event_id            bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_message_status_events PRIMARY KEY,
    provider_message_id nvarchar(200) NOT NULL,
    status              nvarchar(20) NOT NULL,
    error_code          int NULL,
    error_title         nvarchar(max) NULL,
    occurred_at         datetime2(3) NOT NULL,
    received_at         datetime2(3) NOT NULL,
    processed_at        datetime2(3) NULL,
    CONSTRAINT ck_message_status_events_status CHECK (status COLLATE Latin1_General_BIN2 IN (N'sent', N'delivered', N'read', N'failed'))
);

CREATE INDEX ix_message_status_events_provider_message_id ON message_status_events (provider_message_id);
CREATE INDEX ix_message_status_events_unprocessed ON message_status_events (occurred_at, event_id) WHERE processed_at IS NULL;

CREATE TABLE job_runs (
    run_id      bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_job_runs PRIMARY KEY,
    job_key     nvarchar(100) NOT NULL,
    node        nvarchar(200) NOT NULL,
    started_at  datetime2(3) NOT NULL,
    finished_at datetime2(3) NULL,
    status      nvarchar(20) NOT NULL,
    scanned     bigint NOT NULL CONSTRAINT df_job_runs_scanned DEFAULT 0,
    changed     bigint NOT NULL CONSTRAINT df_job_runs_changed DEFAULT 0,
    error       nvarchar(max) NULL,
    detail      nvarchar(max) NULL,
    CONSTRAINT ck_job_runs_status CHECK (status COLLATE Latin1_General_BIN2 IN (N'running', N'succeeded', N'failed'))
);

CREATE INDEX ix_job_runs_job_key_started_at ON job_runs (job_key, started_at);
CREATE INDEX ix_job_runs_running ON job_runs (status) WHERE status = N'running';
