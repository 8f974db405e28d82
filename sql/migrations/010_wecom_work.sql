-- 010: WeCom delivery that survives faults.
--
-- msgids are WeCom's, compared byte for byte (ascii_bin): two that differ
-- only in case are two messages.
-- The callback only records that an account has news (and the sync token
-- WeCom gave with it) and answers; a puller (kfctl wecom worker, or the
-- CGI callback itself after answering) pulls and works. Messages are
-- recorded before the cursor moves past them and worked at least once:
-- new -> working (leased) -> done | retry (with a time) | failed.

CREATE TABLE IF NOT EXISTS kf_wecom_news (
  open_kfid     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  sync_token    VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
  token_at      DATETIME(3) NULL,            -- the token is good 10 minutes
  news_seq      BIGINT UNSIGNED NOT NULL DEFAULT 0,   -- bumped per callback
  pending_since DATETIME(3) NULL,            -- first news not pulled yet
  pulled_seq    BIGINT UNSIGNED NOT NULL DEFAULT 0,   -- news_seq last pulled
  next_pull_at  DATETIME(3) NOT NULL DEFAULT '1970-01-01 00:00:00.000',
  pulled_at     DATETIME(3) NULL,            -- last successful pull
  fails         INT UNSIGNED NOT NULL DEFAULT 0,      -- pulls failed in a row
  last_error    VARCHAR(255) NULL,
  last_error_at DATETIME(3) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_wecom_msg'
    AND COLUMN_NAME = 'state') = 0,
  'ALTER TABLE kf_wecom_msg
     ADD COLUMN seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
     ADD UNIQUE KEY kf_wecom_msg_seq (seq),
     ADD COLUMN state ENUM(''new'', ''working'', ''retry'', ''done'', ''failed'')
       NOT NULL DEFAULT ''done'',
     ADD COLUMN attempts INT UNSIGNED NOT NULL DEFAULT 0,
     ADD COLUMN next_at DATETIME(3) NOT NULL DEFAULT ''1970-01-01 00:00:00.000'',
     ADD COLUMN lease_until DATETIME(3) NULL,
     ADD COLUMN payload MEDIUMTEXT CHARACTER SET utf8mb4 NULL,
     ADD COLUMN last_error VARCHAR(255) NULL,
     ADD KEY kf_wecom_msg_work (open_kfid, state, next_at),
     MODIFY msgid VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- What the handoff did for a session, so a repeat after a crash finishes
-- it instead of doing it twice: which message moved it, the code that
-- may still be spent on the customer's message, and the waiting pool.
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_wecom_session'
    AND COLUMN_NAME = 'handoff_msgid') = 0,
  'ALTER TABLE kf_wecom_session
     ADD COLUMN handoff_msgid VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
     ADD COLUMN handoff_code VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
     ADD COLUMN handoff_text VARCHAR(1024) NULL,
     ADD COLUMN handoff_reason VARCHAR(160) CHARACTER SET ascii NULL,
     ADD COLUMN handoff_fallback TINYINT NOT NULL DEFAULT 0,
     ADD COLUMN pooled_at DATETIME(3) NULL,
     ADD COLUMN greeted TINYINT NOT NULL DEFAULT 0,
     ADD KEY kf_wecom_session_pool (open_kfid, pooled_at)',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- WeCom said this person is not a servicer of this account (95014): not
-- offered for its entries until sync-status or an event says otherwise.
CREATE TABLE IF NOT EXISTS kf_wecom_refusal (
  open_kfid   VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  userid      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  refused_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (open_kfid, userid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (10, 'wecom_work');
