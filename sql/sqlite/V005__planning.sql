-- V005 planning (SQLite): plan-messages records the send day each message was planned for, and a unique key makes
-- planning a night twice (a re-run, or a second planner racing the first) unable to queue a number twice that day.
--
-- plan_day is the business's send day (Scheduler:TimeZone calendar), 'YYYY-MM-DD'; NULL on rows other tools write.
-- The key covers only messages that count (the same statuses as the frequency cap): a message cancelled before it
-- went out (a paused content) leaves the number free to be planned again for that day. Erasure replaces the numbers
-- of a person's messages with 'erased': those rows belong to nobody any more and are left out of the key.
ALTER TABLE message_queue ADD COLUMN plan_day TEXT NULL
    CONSTRAINT ck_message_queue_plan_day CHECK (plan_day IS NULL OR plan_day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]');

CREATE UNIQUE INDEX ux_message_queue_phone_e164_plan_day ON message_queue (phone_e164, plan_day)
    WHERE plan_day IS NOT NULL AND status IN ('queued', 'sending', 'sent', 'delivered', 'read') AND phone_e164 <> 'erased';

-- What is already planned for a day (the daily limit), and the view below.
CREATE INDEX ix_message_queue_plan_day ON message_queue (plan_day, content_id) WHERE plan_day IS NOT NULL;

-- send_day is now the day the planner planned for (the business's calendar), so a message at 17:30 in Acre (22:30
-- UTC) is counted on its day everywhere; rows without plan_day keep the UTC date of scheduled_at. The first and last
-- scheduled instants show how the day's sends are spread.
DROP VIEW v_plan_by_day;

CREATE VIEW v_plan_by_day AS
SELECT COALESCE(q.plan_day, substr(q.scheduled_at, 1, 10))         AS send_day,
       q.content_id                                                 AS content_id,
       ct.name                                                      AS content_name,
       COUNT(*)                                                     AS messages,
       SUM(CASE WHEN q.status = 'queued' THEN 1 ELSE 0 END)         AS queued,
       SUM(CASE WHEN q.status = 'sending' THEN 1 ELSE 0 END)        AS sending,
       SUM(CASE WHEN q.status = 'sent' THEN 1 ELSE 0 END)           AS sent,
       SUM(CASE WHEN q.status = 'delivered' THEN 1 ELSE 0 END)      AS delivered,
       SUM(CASE WHEN q.status = 'read' THEN 1 ELSE 0 END)           AS "read",
       SUM(CASE WHEN q.status = 'failed' THEN 1 ELSE 0 END)         AS failed,
       SUM(CASE WHEN q.status = 'cancelled' THEN 1 ELSE 0 END)      AS cancelled,
       AVG(q.relevance)                                             AS avg_relevance,
       MIN(q.scheduled_at)                                          AS first_scheduled_at,
       MAX(q.scheduled_at)                                          AS last_scheduled_at
FROM message_queue AS q
JOIN contents AS ct ON ct.content_id = q.content_id
GROUP BY COALESCE(q.plan_day, substr(q.scheduled_at, 1, 10)), q.content_id, ct.name;
