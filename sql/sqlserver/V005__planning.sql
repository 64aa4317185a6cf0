-- V005 planning (SQL Server): plan-messages records the send day each message was planned for, and a unique key
-- makes planning a night twice (a re-run, or a second planner racing the first) unable to queue a number twice that day.
--
-- plan_day is the business's send day (Scheduler:TimeZone calendar); NULL on rows other tools write. The key covers
-- only messages that count (the same statuses as the frequency cap): a message cancelled before it went out (a paused
-- content) leaves the number free to be planned again for that day. Erasure replaces the numbers of a person's
-- messages with 'erased': those rows belong to nobody any more and are left out of the key. Filtered indexes need
-- QUOTED_IDENTIFIER and ANSI_NULLS ON in every session that writes the table (the default of every modern driver).
ALTER TABLE message_queue ADD plan_day date NULL;
GO

CREATE UNIQUE INDEX ux_message_queue_phone_e164_plan_day ON message_queue (phone_e164, plan_day)
    WHERE plan_day IS NOT NULL AND status IN (N'queued', N'sending', N'sent', N'delivered', N'read') AND phone_e164 <> N'erased';
GO

-- What is already planned for a day (the daily limit), and the view below.
CREATE INDEX ix_message_queue_plan_day ON message_queue (plan_day, content_id) WHERE plan_day IS NOT NULL;
GO

-- send_day is now the day the planner planned for (the business's calendar), so a message at 17:30 in Acre (22:30
-- UTC) is counted on its day everywhere; rows without plan_day keep the UTC date of scheduled_at. The first and last
-- scheduled instants show how the day's sends are spread.
DROP VIEW v_plan_by_day;
GO

CREATE VIEW v_plan_by_day AS
SELECT COALESCE(q.plan_day, CAST(q.scheduled_at AS date))                               AS send_day,
       q.content_id                                                                     AS content_id,
       ct.name                                                                          AS content_name,
       COUNT_BIG(*)                                                                     AS messages,
       SUM(CASE WHEN q.status = N'queued' THEN CAST(1 AS bigint) ELSE 0 END)           AS queued,
       SUM(CASE WHEN q.status = N'sending' THEN CAST(1 AS bigint) ELSE 0 END)          AS sending,
       SUM(CASE WHEN q.status = N'sent' THEN CAST(1 AS bigint) ELSE 0 END)             AS sent,
       SUM(CASE WHEN q.status = N'delivered' THEN CAST(1 AS bigint) ELSE 0 END)        AS delivered,
       SUM(CASE WHEN q.status = N'read' THEN CAST(1 AS bigint) ELSE 0 END)             AS [read],
       SUM(CASE WHEN q.status = N'failed' THEN CAST(1 AS bigint) ELSE 0 END)           AS failed,
       SUM(CASE WHEN q.status = N'cancelled' THEN CAST(1 AS bigint) ELSE 0 END)        AS cancelled,
       AVG(q.relevance)                                                                 AS avg_relevance,
       MIN(q.scheduled_at)                                                              AS first_scheduled_at,
       MAX(q.scheduled_at)                                                              AS last_scheduled_at
FROM message_queue AS q
JOIN contents AS ct ON ct.content_id = q.content_id
GROUP BY COALESCE(q.plan_day, CAST(q.scheduled_at AS date)), q.content_id, ct.name;
