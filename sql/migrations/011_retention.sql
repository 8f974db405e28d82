-- 011: retention (`kfctl retention`, README "Operations").
--
-- kf_stat_hour holds kf_stat_minute's counts once they are older than
-- [retention] stats_minute_days: the same columns per UTC hour. The roll-up
-- moves one whole hour per transaction (adds to the hour's rows, deletes
-- the minutes), and the admin statistics read both tables, so totals do
-- not change. Written by kfctl (the admin account) only. Identifiers
-- compare byte for byte (ascii_bin), as in kf_stat_minute since 012.

CREATE TABLE IF NOT EXISTS kf_stat_hour (
  hour       DATETIME NOT NULL,            -- UTC, the start of the hour
  entry_id   VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  agent_id   VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  reason     VARCHAR(160) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  quotes     INT UNSIGNED NOT NULL DEFAULT 0,
  taps       INT UNSIGNED NOT NULL DEFAULT 0,
  handoffs   INT UNSIGNED NOT NULL DEFAULT 0,
  link_taps  INT UNSIGNED NOT NULL DEFAULT 0,
  fallbacks  INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, entry_id, agent_id, reason)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The purges find their rows by time through an index, batch by batch
-- (kf_wecom_msg, kf_audit and kf_commit have theirs already).
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_wecom_session'
    AND INDEX_NAME = 'kf_wecom_session_entered') = 0,
  'ALTER TABLE kf_wecom_session ADD KEY kf_wecom_session_entered (entered_at)',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_admin_throttle'
    AND INDEX_NAME = 'kf_admin_throttle_failed') = 0,
  'ALTER TABLE kf_admin_throttle ADD KEY kf_admin_throttle_failed (failed_at)',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_last_agent'
    AND INDEX_NAME = 'kf_last_agent_served') = 0,
  'ALTER TABLE kf_last_agent ADD KEY kf_last_agent_served (served_at)',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (11, 'retention');
