-- V007 dispatch (SQL Server): dispatch-messages claims due messages, re-checks them and sends them at most once.
--
-- message_queue gains what the dispatcher needs to keep that promise and to explain itself:
--   template_params  the named template parameters the planner rendered (JSON object, first_name/product); NULL on rows
--                    other tools write, which get them from their contact and content at send time;
--   claimed_by/at    the node that moved the message to 'sending', and when: a message left 'sending' past
--                    Dispatch:SendingTimeout is failed as 'interrupted', never sent again blindly;
--   next_attempt_at  a retry's backoff (throughput, a Meta outage): not claimed before then;
--   error_code       the WhatsApp error code of the last refused attempt.
ALTER TABLE message_queue ADD template_params nvarchar(max) NULL, claimed_by nvarchar(200) NULL, claimed_at datetime2(3) NULL,
    next_attempt_at datetime2(3) NULL, error_code int NULL;
GO

-- The daily limit at send time counts distinct numbers sent in the last 24 hours.
CREATE INDEX ix_message_queue_sent_at ON message_queue (sent_at) WHERE sent_at IS NOT NULL;
GO

-- A halt (spam rate, account restricted, token expired, permission denied) stops every dispatcher until a person runs
-- 'vinculo dispatch resume'. One row per halt; the open one has no resumed_at. No personal data.
CREATE TABLE dispatch_halts (
    halt_id     bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_dispatch_halts PRIMARY KEY,
    error_code  int NULL,
    reason      nvarchar(400) NOT NULL,
    halted_at   datetime2(3) NOT NULL,
    node        nvarchar(200) NULL,
    message_id  bigint NULL,
    resumed_at  datetime2(3) NULL,
    resumed_by  nvarchar(200) NULL
);
GO

CREATE INDEX ix_dispatch_halts_open ON dispatch_halts (halted_at) WHERE resumed_at IS NULL;
GO
