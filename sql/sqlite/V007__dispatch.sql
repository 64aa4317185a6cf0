-- V007 dispatch (SQLite): dispatch-messages claims due messages, re-checks them and sends them at most once.
--
-- message_queue gains what the dispatcher needs to keep that promise and to explain itself:
--   template_params  the named template parameters the planner rendered (JSON object, first_name/product); NULL on rows
--                    other tools write, which get them from their contact and content at send time;
--   claimed_by/at    the node that moved the message to 'sending', and when: a message left 'sending' past
--                    Dispatch:SendingTimeout is failed as 'interrupted', never sent again blindly;
--   next_attempt_at  a retry's backoff (throughput, a Meta outage): not claimed before then;
--   error_code       the WhatsApp error code of the last refused attempt.
ALTER TABLE message_queue ADD COLUMN template_params TEXT NULL;
ALTER TABLE message_queue ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE message_queue ADD COLUMN claimed_at TEXT NULL
    CONSTRAINT ck_message_queue_claimed_at CHECK (claimed_at IS NULL OR claimed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z');
ALTER TABLE message_queue ADD COLUMN next_attempt_at TEXT NULL
    CONSTRAINT ck_message_queue_next_attempt_at CHECK (next_attempt_at IS NULL OR next_attempt_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z');
ALTER TABLE message_queue ADD COLUMN error_code INTEGER NULL;

-- The daily limit at send time counts distinct numbers sent in the last 24 hours.
CREATE INDEX ix_message_queue_sent_at ON message_queue (sent_at) WHERE sent_at IS NOT NULL;

-- A halt (spam rate, account restricted, token expired, permission denied) stops every dispatcher until a person runs
-- 'vinculo dispatch resume'. One row per halt; the open one has no resumed_at. No personal data.
CREATE TABLE dispatch_halts (
    halt_id     INTEGER CONSTRAINT pk_dispatch_halts PRIMARY KEY,
    error_code  INTEGER NULL,
    reason      TEXT NOT NULL,
    halted_at   TEXT NOT NULL,
    node        TEXT NULL,
    message_id  INTEGER NULL,
    resumed_at  TEXT NULL,
    resumed_by  TEXT NULL,
    CONSTRAINT ck_dispatch_halts_halted_at CHECK (halted_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'),
    CONSTRAINT ck_dispatch_halts_resumed_at CHECK (resumed_at IS NULL OR resumed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z')
);

CREATE INDEX ix_dispatch_halts_open ON dispatch_halts (halted_at) WHERE resumed_at IS NULL;
