-- 018: presence and load are live state, not configuration. A person's
-- status and open chats change every second (WeCom events, the worker,
-- kfctl, the page); each change used to move config_version and make
-- every worker reload its whole snapshot. Now such a change stamps the
-- row's live_ms (the database's clock, unix milliseconds), which workers
-- read incrementally (rows stamped since their last look, cache.c), and
-- config_version moves only when something of the configuration changed.

SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_agent'
    AND COLUMN_NAME = 'live_ms') = 0,
  'ALTER TABLE kf_agent
     ADD COLUMN live_ms BIGINT NOT NULL DEFAULT 0,   -- last presence/load change, unix ms
     ADD KEY kf_agent_live (live_ms)',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- Whoever writes (the programs, kfctl, an operator's SQL), the stamp moves
-- with the live columns and only with them. SYSDATE, not NOW: the time the
-- row changes, after any wait for its lock (NOW is the statement's start,
-- which a change that waited would carry from long before it commits).
DROP TRIGGER IF EXISTS kf_agent_bi;
CREATE TRIGGER kf_agent_bi BEFORE INSERT ON kf_agent FOR EACH ROW
  SET NEW.live_ms = ROUND(UNIX_TIMESTAMP(SYSDATE(3)) * 1000);
DROP TRIGGER IF EXISTS kf_agent_bu;
CREATE TRIGGER kf_agent_bu BEFORE UPDATE ON kf_agent FOR EACH ROW
  SET NEW.live_ms = IF(NEW.status <=> OLD.status
    AND NEW.active_sessions <=> OLD.active_sessions, OLD.live_ms,
    ROUND(UNIX_TIMESTAMP(SYSDATE(3)) * 1000));

-- The configuration moves only with the columns a snapshot holds as
-- configuration (status and active_sessions are read live), compared as
-- bytes: under the columns' collation 'wang' equals 'Wang'.
DROP TRIGGER IF EXISTS kf_agent_au;
CREATE TRIGGER kf_agent_au AFTER UPDATE ON kf_agent FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1
    AND NOT (BINARY NEW.id <=> BINARY OLD.id
      AND BINARY NEW.display_name <=> BINARY OLD.display_name
      AND BINARY NEW.wecom_userid <=> BINARY OLD.wecom_userid
      AND NEW.capacity <=> OLD.capacity AND NEW.enabled <=> OLD.enabled
      AND BINARY NEW.schedule_id <=> BINARY OLD.schedule_id);

-- A WeCom link names its entry by scene: the entry's id, or its own
-- wecom_scene (the admin page's list of links finds entries by it).
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_entry'
    AND INDEX_NAME = 'kf_entry_wecom_scene') = 0,
  'ALTER TABLE kf_entry ADD KEY kf_entry_wecom_scene (wecom_scene)',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (18, 'live');
