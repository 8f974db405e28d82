-- 002: what the routing engine decides with. Business hours (schedules
-- with slots and closure dates), entry policy and fallback, ordered rules,
-- per-entry notice templates, customers and orders (filled by the
-- business), and the tables the public program writes: sticky last agent,
-- agent activity, and per-minute decision counts.
--
-- Idempotent on MariaDB and MySQL alike: CREATE ... IF NOT EXISTS, and the
-- column additions guarded through information_schema.

CREATE TABLE IF NOT EXISTS kf_schedule (
  id          VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  name        VARCHAR(64) NOT NULL,
  tz          VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT 'Asia/Shanghai',
  updated_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
              ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT kf_schedule_id CHECK (id REGEXP '^[A-Za-z0-9_-]{1,64}$'),
  CONSTRAINT kf_schedule_tz CHECK (tz REGEXP '^[A-Za-z0-9_+/-]{1,64}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Open from start_min to end_min (minutes after local midnight) on weekday
-- (0 = Sunday ... 6 = Saturday). end_min <= start_min runs past midnight
-- into the next day (22:00-02:00); end_min 1440 is midnight.
CREATE TABLE IF NOT EXISTS kf_schedule_slot (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  schedule_id  VARCHAR(64) CHARACTER SET ascii NOT NULL,
  weekday      TINYINT UNSIGNED NOT NULL,
  start_min    SMALLINT UNSIGNED NOT NULL,
  end_min      SMALLINT UNSIGNED NOT NULL,
  KEY kf_schedule_slot_schedule (schedule_id),
  CONSTRAINT kf_schedule_slot_schedule FOREIGN KEY (schedule_id)
    REFERENCES kf_schedule (id) ON DELETE CASCADE,
  CONSTRAINT kf_schedule_slot_weekday CHECK (weekday <= 6),
  CONSTRAINT kf_schedule_slot_range CHECK (start_min < 1440
    AND end_min BETWEEN 1 AND 1440 AND start_min <> end_min)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Whole local days a schedule is closed (holidays).
CREATE TABLE IF NOT EXISTS kf_schedule_closure (
  schedule_id  VARCHAR(64) CHARACTER SET ascii NOT NULL,
  day          DATE NOT NULL,
  note         VARCHAR(64) NOT NULL DEFAULT '',
  PRIMARY KEY (schedule_id, day),
  CONSTRAINT kf_schedule_closure_schedule FOREIGN KEY (schedule_id)
    REFERENCES kf_schedule (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An agent's own shift (NULL: whenever online).
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_agent'
    AND COLUMN_NAME = 'schedule_id') = 0,
  'ALTER TABLE kf_agent
     ADD COLUMN schedule_id VARCHAR(64) CHARACTER SET ascii NULL,
     ADD CONSTRAINT kf_agent_schedule FOREIGN KEY (schedule_id)
       REFERENCES kf_schedule (id) ON DELETE SET NULL',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- Entry routing: policy when the designated person is unavailable
-- (overflow: on down the chain; strict: only that person), the fallback
-- group and its strategy, business hours, whether designated agents may
-- exceed their capacity, and an optional decision order.
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_entry'
    AND COLUMN_NAME = 'policy') = 0,
  'ALTER TABLE kf_entry
     ADD COLUMN policy ENUM(''overflow'',''strict'') NOT NULL DEFAULT ''overflow'',
     ADD COLUMN fallback_group_id VARCHAR(64) CHARACTER SET ascii NULL,
     ADD COLUMN fallback_strategy ENUM(''ordered'',''round_robin'',''least_busy'',
       ''longest_idle'',''random'') NOT NULL DEFAULT ''least_busy'',
     ADD COLUMN schedule_id VARCHAR(64) CHARACTER SET ascii NULL,
     ADD COLUMN designated_over_capacity TINYINT(1) NOT NULL DEFAULT 0,
     ADD COLUMN decision_order VARCHAR(128) CHARACTER SET ascii NULL,
     ADD CONSTRAINT kf_entry_fallback_group FOREIGN KEY (fallback_group_id)
       REFERENCES kf_group (id) ON DELETE SET NULL,
     ADD CONSTRAINT kf_entry_schedule FOREIGN KEY (schedule_id)
       REFERENCES kf_schedule (id) ON DELETE SET NULL',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- Notice templates per entry; the config's [notice] section has defaults.
CREATE TABLE IF NOT EXISTS kf_entry_notice (
  entry_id  VARCHAR(64) CHARACTER SET ascii NOT NULL,
  kind      ENUM('connected','fallback','fallback_busy','strict_offline',
                 'strict_busy','busy','offline','closed') NOT NULL,
  template  VARCHAR(255) NOT NULL,
  PRIMARY KEY (entry_id, kind),
  CONSTRAINT kf_entry_notice_entry FOREIGN KEY (entry_id)
    REFERENCES kf_entry (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Rules per entry, lowest priority number first. kind says what is
-- tested: level_at_least (level), has_tag (tag), order_agent (the order's
-- responsible agent), account_manager (the customer's own manager),
-- time_window (window_start..window_end, local minutes, may cross
-- midnight). The target is an agent or a group (with a strategy); for
-- order_agent and account_manager it is implicit (target_type 'implicit').
CREATE TABLE IF NOT EXISTS kf_rule (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  entry_id      VARCHAR(64) CHARACTER SET ascii NOT NULL,
  priority      INT NOT NULL DEFAULT 100,
  kind          ENUM('level_at_least','has_tag','order_agent',
                     'account_manager','time_window') NOT NULL,
  level         INT NULL,
  tag           VARCHAR(64) NULL,
  window_start  SMALLINT UNSIGNED NULL,
  window_end    SMALLINT UNSIGNED NULL,
  target_type   ENUM('agent','group','implicit') NOT NULL,
  target_id     VARCHAR(64) CHARACTER SET ascii NULL,
  strategy      ENUM('ordered','round_robin','least_busy','longest_idle',
                     'random') NOT NULL DEFAULT 'ordered',
  enabled       TINYINT(1) NOT NULL DEFAULT 1,
  KEY kf_rule_entry (entry_id, priority),
  CONSTRAINT kf_rule_entry FOREIGN KEY (entry_id)
    REFERENCES kf_entry (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Filled by the business (the admin issue adds import). Looked up per
-- request for verified customers only; not part of the snapshot, so
-- these tables have no version triggers.
CREATE TABLE IF NOT EXISTS kf_customer (
  customer_key        VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  level               INT NOT NULL DEFAULT 0,
  tags                VARCHAR(512) NOT NULL DEFAULT '',  -- comma-separated
  account_manager_id  VARCHAR(64) CHARACTER SET ascii NULL,
  updated_at          TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
                      ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT kf_customer_manager FOREIGN KEY (account_manager_id)
    REFERENCES kf_agent (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS kf_order (
  order_id      VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  customer_key  VARCHAR(64) CHARACTER SET ascii NOT NULL,
  agent_id      VARCHAR(64) CHARACTER SET ascii NULL,
  KEY kf_order_customer (customer_key),
  CONSTRAINT kf_order_agent FOREIGN KEY (agent_id)
    REFERENCES kf_agent (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Written by the public program (batched, after responses).
CREATE TABLE IF NOT EXISTS kf_last_agent (
  customer_key  VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  agent_id      VARCHAR(64) CHARACTER SET ascii NOT NULL,
  entry_id      VARCHAR(64) CHARACTER SET ascii NOT NULL,
  served_at     DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS kf_agent_activity (
  agent_id          VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  last_assigned_at  BIGINT NOT NULL   -- unix milliseconds
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Decisions per minute (UTC) by entry, agent ('' for none) and reason.
CREATE TABLE IF NOT EXISTS kf_stat_minute (
  minute    DATETIME NOT NULL,
  entry_id  VARCHAR(64) CHARACTER SET ascii NOT NULL,
  agent_id  VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '',
  reason    VARCHAR(160) CHARACTER SET ascii NOT NULL,
  count     INT UNSIGNED NOT NULL,
  PRIMARY KEY (minute, entry_id, agent_id, reason)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The new routing tables move the config version like the old ones.
DROP TRIGGER IF EXISTS kf_schedule_ai;
CREATE TRIGGER kf_schedule_ai AFTER INSERT ON kf_schedule FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_schedule_au;
CREATE TRIGGER kf_schedule_au AFTER UPDATE ON kf_schedule FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_schedule_ad;
CREATE TRIGGER kf_schedule_ad AFTER DELETE ON kf_schedule FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_schedule_slot_ai;
CREATE TRIGGER kf_schedule_slot_ai AFTER INSERT ON kf_schedule_slot FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_schedule_slot_au;
CREATE TRIGGER kf_schedule_slot_au AFTER UPDATE ON kf_schedule_slot FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_schedule_slot_ad;
CREATE TRIGGER kf_schedule_slot_ad AFTER DELETE ON kf_schedule_slot FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_schedule_closure_ai;
CREATE TRIGGER kf_schedule_closure_ai AFTER INSERT ON kf_schedule_closure FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_schedule_closure_au;
CREATE TRIGGER kf_schedule_closure_au AFTER UPDATE ON kf_schedule_closure FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_schedule_closure_ad;
CREATE TRIGGER kf_schedule_closure_ad AFTER DELETE ON kf_schedule_closure FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_rule_ai;
CREATE TRIGGER kf_rule_ai AFTER INSERT ON kf_rule FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_rule_au;
CREATE TRIGGER kf_rule_au AFTER UPDATE ON kf_rule FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_rule_ad;
CREATE TRIGGER kf_rule_ad AFTER DELETE ON kf_rule FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_entry_notice_ai;
CREATE TRIGGER kf_entry_notice_ai AFTER INSERT ON kf_entry_notice FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_entry_notice_au;
CREATE TRIGGER kf_entry_notice_au AFTER UPDATE ON kf_entry_notice FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_entry_notice_ad;
CREATE TRIGGER kf_entry_notice_ad AFTER DELETE ON kf_entry_notice FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (2, 'routing');
