-- V011 sender health (SQL Server): Meta's own signals about the business's sender, kept as a history and applied once each.
--
-- One row per signal, normalised by process-inbound from webhook_payloads (or written by another integration):
--   field              the webhook field: phone_number_quality_update, message_template_status_update,
--                      message_template_quality_update or account_update;
--   event              Meta's event (FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE, PAUSED, APPROVED, ACCOUNT_RESTRICTION, …; for a
--                      template's quality, the new quality score: GREEN, YELLOW, RED, UNKNOWN);
--   tier               the messaging tier Meta reports (TIER_250, TIER_2K, …, TIER_UNLIMITED);
--   template_name/_language  the template a template signal is about;
--   ban_state          ban_info.waba_ban_state of a DISABLED_UPDATE (REINSTATE lifts nothing, halts nothing);
--   reason             Meta's own words on why (reason, other_info, restriction types), never personal data;
--   occurred_at        when Meta says it happened; received_at when it was stored;
--   event_key          SHA-256 of the signal as Meta sent it: the same signal in two payloads is one row;
--   applied_at, action when process-inbound applied it, and what Vinculo did (limit changed, content paused, halted, nothing).
-- A writer that names only field (and event) succeeds: the times default to the moment of the INSERT.
CREATE TABLE sender_health (
    health_id         bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_sender_health PRIMARY KEY,
    field             nvarchar(60) NOT NULL,
    event             nvarchar(60) NULL,
    tier              nvarchar(40) NULL,
    template_name     nvarchar(512) NULL,
    template_language nvarchar(20) NULL,
    ban_state         nvarchar(40) NULL,
    reason            nvarchar(400) NULL,
    occurred_at       datetime2(3) NOT NULL CONSTRAINT df_sender_health_occurred_at DEFAULT SYSUTCDATETIME(),
    received_at       datetime2(3) NOT NULL CONSTRAINT df_sender_health_received_at DEFAULT SYSUTCDATETIME(),
    event_key         nvarchar(64) NULL,
    payload_id        bigint NULL,
    applied_at        datetime2(3) NULL,
    action            nvarchar(400) NULL
);
GO

CREATE UNIQUE INDEX ux_sender_health_event_key ON sender_health (event_key) WHERE event_key IS NOT NULL;
GO

CREATE INDEX ix_sender_health_unapplied ON sender_health (occurred_at, health_id) WHERE applied_at IS NULL;
GO

CREATE INDEX ix_sender_health_field_occurred_at ON sender_health (field, occurred_at);
GO
