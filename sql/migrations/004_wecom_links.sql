-- 004: WeCom kf accounts and their contact links. An entry of target_type
-- 'wecom_kf' names a kf account (target = open_kfid) and a scene (its
-- wecom_scene, or its own id when that is at most 32 characters). Links
-- come from kf/add_contact_way once per (account, scene) and are stored:
-- they are stable, and creating them per tap would be slow and limited.

CREATE TABLE IF NOT EXISTS kf_wecom_account (
  open_kfid  VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  name       VARCHAR(64) NOT NULL DEFAULT '',
  synced_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
             ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS kf_wecom_link (
  open_kfid   VARCHAR(64) CHARACTER SET ascii NOT NULL,
  scene       VARCHAR(32) CHARACTER SET ascii NOT NULL,
  url         VARCHAR(512) CHARACTER SET ascii NOT NULL,
  created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (open_kfid, scene),
  CONSTRAINT kf_wecom_link_scene CHECK (scene REGEXP '^[0-9A-Za-z_-]{1,32}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_entry'
    AND COLUMN_NAME = 'wecom_scene') = 0,
  'ALTER TABLE kf_entry ADD COLUMN wecom_scene VARCHAR(32) CHARACTER SET ascii NULL',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- Links are part of the snapshot: a new one must reach the workers.
DROP TRIGGER IF EXISTS kf_wecom_link_ai;
CREATE TRIGGER kf_wecom_link_ai AFTER INSERT ON kf_wecom_link FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_wecom_link_au;
CREATE TRIGGER kf_wecom_link_au AFTER UPDATE ON kf_wecom_link FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_wecom_link_ad;
CREATE TRIGGER kf_wecom_link_ad AFTER DELETE ON kf_wecom_link FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (4, 'wecom_links');
