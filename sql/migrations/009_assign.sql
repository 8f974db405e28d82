-- 009: the assignment pipeline (quote vs commit).
--
-- kf_stat_minute counts what happened, apart: quotes (answers to
-- /api/contact, i.e. views), taps (customers acting on a quote), handoffs
-- (a person or the waiting pool really got the chat: a page entry's tap,
-- a WeCom transfer) and link taps (web-page entries). The old `count`
-- counted every quote as an assignment: it becomes `quotes`.
--
-- kf_commit: each commit's once-only key (a ticket's MAC, a WeCom msgid),
-- so a ticket committed twice, on any host, counts once. Rows outlive the
-- tickets' max_age and are then purged by the programs.

SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_stat_minute'
    AND COLUMN_NAME = 'count') = 1,
  'ALTER TABLE kf_stat_minute
     CHANGE COLUMN count quotes INT UNSIGNED NOT NULL DEFAULT 0,
     ADD COLUMN taps INT UNSIGNED NOT NULL DEFAULT 0,
     ADD COLUMN handoffs INT UNSIGNED NOT NULL DEFAULT 0,
     ADD COLUMN link_taps INT UNSIGNED NOT NULL DEFAULT 0',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;
-- Fallbacks were counted per quote; from now on per handoff.
UPDATE kf_stat_minute SET fallbacks = 0 WHERE handoffs = 0;

CREATE TABLE IF NOT EXISTS kf_commit (
  commit_key    VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event         VARCHAR(8) CHARACTER SET ascii NOT NULL,   -- tap | handoff
  committed_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (commit_key, event),
  KEY kf_commit_at (committed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Workers read assignments since a watermark (live state, no reload).
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_agent_activity'
    AND INDEX_NAME = 'kf_agent_activity_at') = 0,
  'ALTER TABLE kf_agent_activity
     ADD KEY kf_agent_activity_at (last_assigned_at)',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- A WeCom session remembers its ticket (the quote the customer acted on)
-- and the person the customer was last told, so the handoff keeps that
-- promise or says who took over.
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_wecom_session'
    AND COLUMN_NAME = 'ticket') = 0,
  'ALTER TABLE kf_wecom_session
     ADD COLUMN ticket VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
     ADD COLUMN told_agent_id VARCHAR(64) CHARACTER SET ascii NULL',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (9, 'assign');
