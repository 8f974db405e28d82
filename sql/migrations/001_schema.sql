-- 001: the routing tables, the schema version and the config version.
--
-- Every table is InnoDB + utf8mb4 explicitly: a server started without a
-- config defaults to latin1 and would reject Chinese labels.
-- Idempotent: safe to run twice (scripts/migrate.sh also skips it once
-- recorded in kf_schema_version).

CREATE TABLE IF NOT EXISTS kf_schema_version (
  version     INT UNSIGNED NOT NULL PRIMARY KEY,
  name        VARCHAR(128) NOT NULL,
  applied_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row. config_version moves on every write to a routing table (the
-- triggers below), so FastCGI workers can poll one cheap value and reload
-- their snapshot only when it changed.
CREATE TABLE IF NOT EXISTS kf_meta (
  id              TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  config_version  BIGINT UNSIGNED NOT NULL DEFAULT 1,
  CONSTRAINT kf_meta_one_row CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO kf_meta (id, config_version) VALUES (1, 1);

-- People who answer. Presence (status) says who is reachable; source and
-- time say who last set it (manual, wecom, system) and when.
CREATE TABLE IF NOT EXISTS kf_agent (
  id               VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  display_name     VARCHAR(64) NOT NULL,
  wecom_userid     VARCHAR(64) NULL,
  status           ENUM('online','busy','offline') NOT NULL DEFAULT 'offline',
  status_source    ENUM('manual','wecom','system') NOT NULL DEFAULT 'manual',
  status_at        TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  capacity         INT UNSIGNED NOT NULL DEFAULT 5,
  active_sessions  INT UNSIGNED NOT NULL DEFAULT 0,
  enabled          TINYINT(1) NOT NULL DEFAULT 1,
  created_at       TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
                   ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY kf_agent_wecom (wecom_userid),
  CONSTRAINT kf_agent_id CHECK (id REGEXP '^[A-Za-z0-9_-]{1,64}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The buttons ("entries"). target is a page path, a web URL, or (from the
-- WeCom issue on) a kf account reference, by target_type.
CREATE TABLE IF NOT EXISTS kf_entry (
  id           VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  label        VARCHAR(128) NOT NULL,
  scene        VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '',
  sort_order   INT NOT NULL DEFAULT 0,
  enabled      TINYINT(1) NOT NULL DEFAULT 1,
  target_type  ENUM('page','url','wecom_kf') NOT NULL DEFAULT 'page',
  target       VARCHAR(1024) NOT NULL DEFAULT '',
  created_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
               ON UPDATE CURRENT_TIMESTAMP,
  KEY kf_entry_scene (scene, enabled, sort_order),
  CONSTRAINT kf_entry_id CHECK (id REGEXP '^[A-Za-z0-9_-]{1,64}$'),
  CONSTRAINT kf_entry_scene CHECK (scene REGEXP '^[A-Za-z0-9_-]{0,64}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Designated agents of an entry, in order (position 0 answers first).
CREATE TABLE IF NOT EXISTS kf_entry_agent (
  entry_id  VARCHAR(64) CHARACTER SET ascii NOT NULL,
  agent_id  VARCHAR(64) CHARACTER SET ascii NOT NULL,
  position  INT NOT NULL DEFAULT 0,
  PRIMARY KEY (entry_id, agent_id),
  KEY kf_entry_agent_order (entry_id, position),
  KEY kf_entry_agent_agent (agent_id),
  CONSTRAINT kf_entry_agent_entry FOREIGN KEY (entry_id)
    REFERENCES kf_entry (id) ON DELETE CASCADE,
  CONSTRAINT kf_entry_agent_agent FOREIGN KEY (agent_id)
    REFERENCES kf_agent (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS kf_group (
  id          VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  name        VARCHAR(64) NOT NULL,
  created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
              ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT kf_group_id CHECK (id REGEXP '^[A-Za-z0-9_-]{1,64}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Ordered membership: position drives the `ordered` strategy.
CREATE TABLE IF NOT EXISTS kf_group_member (
  group_id  VARCHAR(64) CHARACTER SET ascii NOT NULL,
  agent_id  VARCHAR(64) CHARACTER SET ascii NOT NULL,
  position  INT NOT NULL DEFAULT 0,
  PRIMARY KEY (group_id, agent_id),
  KEY kf_group_member_agent (agent_id),
  CONSTRAINT kf_group_member_group FOREIGN KEY (group_id)
    REFERENCES kf_group (id) ON DELETE CASCADE,
  CONSTRAINT kf_group_member_agent FOREIGN KEY (agent_id)
    REFERENCES kf_agent (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Bump kf_meta.config_version on every write to a routing table, whoever
-- writes (admin program, kfctl, or an operator at the SQL prompt).
-- DROP + CREATE keeps this idempotent on MySQL and MariaDB alike.
DROP TRIGGER IF EXISTS kf_agent_ai;
CREATE TRIGGER kf_agent_ai AFTER INSERT ON kf_agent FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_agent_au;
CREATE TRIGGER kf_agent_au AFTER UPDATE ON kf_agent FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_agent_ad;
CREATE TRIGGER kf_agent_ad AFTER DELETE ON kf_agent FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_entry_ai;
CREATE TRIGGER kf_entry_ai AFTER INSERT ON kf_entry FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_entry_au;
CREATE TRIGGER kf_entry_au AFTER UPDATE ON kf_entry FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_entry_ad;
CREATE TRIGGER kf_entry_ad AFTER DELETE ON kf_entry FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_entry_agent_ai;
CREATE TRIGGER kf_entry_agent_ai AFTER INSERT ON kf_entry_agent FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_entry_agent_au;
CREATE TRIGGER kf_entry_agent_au AFTER UPDATE ON kf_entry_agent FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_entry_agent_ad;
CREATE TRIGGER kf_entry_agent_ad AFTER DELETE ON kf_entry_agent FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_group_ai;
CREATE TRIGGER kf_group_ai AFTER INSERT ON kf_group FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_group_au;
CREATE TRIGGER kf_group_au AFTER UPDATE ON kf_group FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_group_ad;
CREATE TRIGGER kf_group_ad AFTER DELETE ON kf_group FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_group_member_ai;
CREATE TRIGGER kf_group_member_ai AFTER INSERT ON kf_group_member FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_group_member_au;
CREATE TRIGGER kf_group_member_au AFTER UPDATE ON kf_group_member FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_group_member_ad;
CREATE TRIGGER kf_group_member_ad AFTER DELETE ON kf_group_member FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (1, 'schema');
