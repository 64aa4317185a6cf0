-- V002 dashboard views (SQL Server, schema dbo): v_contact_health, v_consent_summary, v_plan_by_day,
-- v_job_history. Same columns on every engine; counts are bigint (COUNT_BIG) as on PostgreSQL and
-- SQLite. No view reads the database clock: anything relative to "now" is computed by the worker,
-- which passes its own time. Each CREATE VIEW is its own batch.

-- One row per phone_status among contacts that are not erased.
CREATE VIEW v_contact_health AS
SELECT c.phone_status                                                                   AS phone_status,
       COUNT_BIG(*)                                                                     AS contacts,
       COUNT_BIG(c.phone_e164)                                                          AS with_e164,
       SUM(CASE WHEN s.status = N'granted' THEN CAST(1 AS bigint) ELSE 0 END)          AS consent_granted,
       SUM(CASE WHEN sl.phone_hash IS NOT NULL THEN CAST(1 AS bigint) ELSE 0 END)      AS suppressed,
       MAX(c.phone_checked_at)                                                          AS last_checked_at
FROM contacts AS c
LEFT JOIN consents AS s ON s.contact_id = c.contact_id
LEFT JOIN suppression_list AS sl ON sl.phone_hash = c.phone_hash
WHERE c.erased_at IS NULL
GROUP BY c.phone_status;
GO

-- One row per consent state (status and source) among contacts that are not erased;
-- 'none' (with a null source) counts contacts that have no consents row, who are never messaged.
CREATE VIEW v_consent_summary AS
SELECT COALESCE(s.status, N'none') AS consent_status,
       s.source                    AS source,
       COUNT_BIG(*)                AS contacts,
       MAX(s.changed_at)           AS last_changed_at
FROM contacts AS c
LEFT JOIN consents AS s ON s.contact_id = c.contact_id
WHERE c.erased_at IS NULL
GROUP BY COALESCE(s.status, N'none'), s.source;
GO

-- One row per UTC send day and content; send_day is a date.
CREATE VIEW v_plan_by_day AS
SELECT CAST(q.scheduled_at AS date)                                                     AS send_day,
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
       AVG(q.relevance)                                                                 AS avg_relevance
FROM message_queue AS q
JOIN contents AS ct ON ct.content_id = q.content_id
GROUP BY CAST(q.scheduled_at AS date), q.content_id, ct.name;
GO

-- duration_seconds is null while a run is still running; float, as on the other engines.
CREATE VIEW v_job_history AS
SELECT r.run_id                                                                         AS run_id,
       r.job_key                                                                        AS job_key,
       r.node                                                                           AS node,
       r.started_at                                                                     AS started_at,
       r.finished_at                                                                    AS finished_at,
       CAST(DATEDIFF_BIG(millisecond, r.started_at, r.finished_at) AS float) / 1000.0   AS duration_seconds,
       r.status                                                                         AS status,
       r.scanned                                                                        AS scanned,
       r.changed                                                                        AS changed,
       r.error                                                                          AS error
FROM job_runs AS r;
GO
