-- 007: the admin page — its users, sessions, login throttle and audit
-- log, and a version per editable row so two operators editing the same
-- thing get a conflict (409) instead of silently overwriting each other.

-- Operators. pw_hash is libsodium's crypto_pwhash_str (Argon2id) string;
-- no password exists until `kfctl admin add` sets one.
CREATE TABLE IF NOT EXISTS kf_admin_user (
  username    VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  role        ENUM('admin','viewer') NOT NULL DEFAULT 'viewer',
  pw_hash     VARCHAR(255) CHARACTER SET ascii NOT NULL,
  created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
              ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT kf_admin_user_name CHECK (username REGEXP '^[A-Za-z0-9_.@-]{1,64}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Logged-in sessions. Only the SHA-256 of the cookie's random id is kept:
-- a copy of this table does not let anyone in. Times are unix seconds.
CREATE TABLE IF NOT EXISTS kf_admin_session (
  id_hash     CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  username    VARCHAR(64) CHARACTER SET ascii NOT NULL,
  created_at  BIGINT NOT NULL,
  seen_at     BIGINT NOT NULL,
  KEY kf_admin_session_user (username),
  CONSTRAINT kf_admin_session_user FOREIGN KEY (username)
    REFERENCES kf_admin_user (username) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed logins per submitted username, whether or not it exists (so the
-- throttle does not tell which accounts do).
CREATE TABLE IF NOT EXISTS kf_admin_throttle (
  username      VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  failures      INT UNSIGNED NOT NULL DEFAULT 0,
  locked_until  BIGINT NOT NULL DEFAULT 0,
  failed_at     BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every change made through the admin program: who, when, what, and the
-- row before and after as JSON (NULL for a create's before, a delete's
-- after).
CREATE TABLE IF NOT EXISTS kf_audit (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at           TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  username     VARCHAR(64) CHARACTER SET ascii NOT NULL,
  action       VARCHAR(16) CHARACTER SET ascii NOT NULL,
  kind         VARCHAR(32) CHARACTER SET ascii NOT NULL,
  object_id    VARCHAR(128) NOT NULL DEFAULT '',
  before_json  MEDIUMTEXT NULL,
  after_json   MEDIUMTEXT NULL,
  KEY kf_audit_at (at),
  KEY kf_audit_object (kind, object_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Row versions: the admin program's UPDATE ... WHERE version = ? moves
-- them. Presence and load (written by WeCom events) do not.
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_entry'
    AND COLUMN_NAME = 'version') = 0,
  'ALTER TABLE kf_entry ADD COLUMN version INT UNSIGNED NOT NULL DEFAULT 1',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_agent'
    AND COLUMN_NAME = 'version') = 0,
  'ALTER TABLE kf_agent ADD COLUMN version INT UNSIGNED NOT NULL DEFAULT 1',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_group'
    AND COLUMN_NAME = 'version') = 0,
  'ALTER TABLE kf_group ADD COLUMN version INT UNSIGNED NOT NULL DEFAULT 1',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_rule'
    AND COLUMN_NAME = 'version') = 0,
  'ALTER TABLE kf_rule ADD COLUMN version INT UNSIGNED NOT NULL DEFAULT 1',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_schedule'
    AND COLUMN_NAME = 'version') = 0,
  'ALTER TABLE kf_schedule ADD COLUMN version INT UNSIGNED NOT NULL DEFAULT 1',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_customer'
    AND COLUMN_NAME = 'version') = 0,
  'ALTER TABLE kf_customer ADD COLUMN version INT UNSIGNED NOT NULL DEFAULT 1',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- Decisions where a preferred person was skipped, for the fallback rate.
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_stat_minute'
    AND COLUMN_NAME = 'fallbacks') = 0,
  'ALTER TABLE kf_stat_minute
     ADD COLUMN fallbacks INT UNSIGNED NOT NULL DEFAULT 0',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (7, 'admin');
