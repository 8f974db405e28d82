-- 015: 小程序码 (mini-program codes) for page entries, made by WeChat
-- (wxa/getwxacodeunlimit) once per version of what the code encodes and
-- kept here, so printing posters does not ask WeChat again. A row is good
-- only for the exact (entry, mini-program, env_version, width, page) it
-- was made for: the admin program looks it up by all of them, so changing
-- the entry's page, the app or the env_version makes a new code, and the
-- new one replaces the row. A row with errcode and no png records a
-- refusal: the admin program answers it again for a short cool-down
-- instead of asking WeChat on every click. Rows go with their entry (a
-- trigger, not a foreign key: migration 012 and its test own the set of
-- foreign keys). Written by the admin account only (kfadmin.fcgi).

CREATE TABLE IF NOT EXISTS kf_wxacode (
  entry_id     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  app_id       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  env_version  VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  width        INT NOT NULL,
  page         VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  png          MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin NULL, -- base64
  errcode      INT NULL,
  made_at      TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
               ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (entry_id, app_id, env_version, width)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP TRIGGER IF EXISTS kf_entry_wxacode_ad;
CREATE TRIGGER kf_entry_wxacode_ad AFTER DELETE ON kf_entry FOR EACH ROW
  DELETE FROM kf_wxacode WHERE entry_id = OLD.id;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (15, 'wxacode');
