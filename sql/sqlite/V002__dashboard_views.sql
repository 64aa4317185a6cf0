-- V002 dashboard views (SQLite): v_contact_health, v_consent_summary, v_plan_by_day, v_job_history.
-- Same columns on every engine. No view reads the database clock: anything relative to "now" is
-- computed by the worker, which passes its own time.

-- One row per phone_status among contacts that are not erased.
CREATE VIEW v_contact_health AS
SELECT c.phone_status                                              AS phone_status,
       COUNT(*)                                                    AS contacts,
       COUNT(c.phone_e164)                                         AS with_e164,
       SUM(CASE WHEN s.status = 'granted' THEN 1 ELSE 0 END)       AS consent_granted,
       SUM(CASE WHEN sl.phone_hash IS NOT NULL THEN 1 ELSE 0 END)  AS suppressed,
       MAX(c.phone_checked_at)                                     AS last_checked_at
FROM contacts AS c
LEFT JOIN consents AS s ON s.contact_id = c.contact_id
LEFT JOIN suppression_list AS sl ON sl.phone_hash = c.phone_hash
WHERE c.erased_at IS NULL
GROUP BY c.phone_status;

-- One row per consent state (status and source) among contacts that are not erased;
-- 'none' (with a null source) counts contacts that have no consents row, who are never messaged.
CREATE VIEW v_consent_summary AS
SELECT COALESCE(s.status, 'none') AS consent_status,
       s.source                   AS source,
       COUNT(*)                   AS contacts,
       MAX(s.changed_at)          AS last_changed_at
FROM contacts AS c
LEFT JOIN consents AS s ON s.contact_id = c.contact_id
WHERE c.erased_at IS NULL
GROUP BY COALESCE(s.status, 'none'), s.source;

-- One row per UTC send day and content; send_day is the text 'YYYY-MM-DD'.
CREATE VIEW v_plan_by_day AS
SELECT substr(q.scheduled_at, 1, 10)                                AS send_day,
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
       AVG(q.relevance)                                             AS avg_relevance
FROM message_queue AS q
JOIN contents AS ct ON ct.content_id = q.content_id
GROUP BY substr(q.scheduled_at, 1, 10), q.content_id, ct.name;

-- duration_seconds is null while a run is still running; rounded to the millisecond because
-- julianday() arithmetic is floating point.
CREATE VIEW v_job_history AS
SELECT r.run_id                                                                  AS run_id,
       r.job_key                                                                 AS job_key,
       r.node                                                                    AS node,
       r.started_at                                                              AS started_at,
       r.finished_at                                                             AS finished_at,
       round((julianday(r.finished_at) - julianday(r.started_at)) * 86400.0, 3) AS duration_seconds,
       r.status                                                                  AS status,
       r.scanned                                                                 AS scanned,
       r.changed                                                                 AS changed,
       r.error                                                                   AS error
FROM job_runs AS r;
