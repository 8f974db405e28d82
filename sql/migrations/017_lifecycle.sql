-- 017: the chat's life after the first transfer (see README, "After the
-- tap"). Per-entry settings (NULL: the [lifecycle] default of the config),
-- timers kept with the WeCom session so any host's worker runs them and a
-- restart loses none, the codes kept for later messages, and one row per
-- person a chat was given to (a "leg"), from which the response-time
-- numbers are computed.

SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_entry'
    AND COLUMN_NAME = 'widen_after_s') = 0,
  'ALTER TABLE kf_entry
     ADD COLUMN widen_after_s INT UNSIGNED NULL,      -- hold for the busy preferred person, s (0 off)
     ADD COLUMN reroute_after_s INT UNSIGNED NULL,    -- no first reply within s: next person (0 off)
     ADD COLUMN take_back TINYINT NULL,               -- offline with unanswered chats: re-route them
     ADD COLUMN busy_after_misses INT UNSIGNED NULL,  -- that many misses in a row: mark busy (0 never)
     ADD COLUMN queue_max INT UNSIGNED NULL,          -- waiting in the pool at most (0 no limit)
     ADD COLUMN queue_notice_step INT UNSIGNED NULL,  -- tell the position, again when it moved this much (0 never)
     ADD COLUMN leave_message TINYINT NULL            -- closed / strict person away: kept for the person',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- An entry may word the hold notice its own way, like the others.
ALTER TABLE kf_entry_notice MODIFY kind ENUM('connected','fallback',
  'fallback_busy','strict_offline','strict_busy','busy','offline','closed',
  'hold') NOT NULL;

-- The session's life: who it is held for and until when (the widen
-- timer), when its person got it and first replied, the next time the
-- worker must look at it (due_at: re-route; retry_at: not before, after a
-- look that could not act), a re-route or take-back under way (move_why:
-- recorded before WeCom is asked, so a crash in between is finished, not
-- taken for a move by hand), the position last told, and
-- the message codes kept for later (WeCom: one message per code, only
-- while the session is in the state the code was issued for).
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_wecom_session'
    AND COLUMN_NAME = 'hold_agent_id') = 0,
  'ALTER TABLE kf_wecom_session
     ADD COLUMN hold_agent_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
     ADD COLUMN hold_until DATETIME(3) NULL,
     ADD COLUMN assigned_at DATETIME(3) NULL,
     ADD COLUMN first_reply_at DATETIME(3) NULL,
     ADD COLUMN due_at DATETIME(3) NULL,
     ADD COLUMN queue_told INT UNSIGNED NULL,
     ADD COLUMN pool_code VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
     ADD COLUMN person_code VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
     ADD COLUMN ended_at DATETIME(3) NULL,
     ADD COLUMN retry_at DATETIME(3) NULL,
     ADD COLUMN move_why VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL,
     ADD KEY kf_wecom_session_due (due_at),
     ADD KEY kf_wecom_session_agent (agent_id, first_reply_at),
     ADD KEY kf_wecom_session_pooled (pooled_at, open_kfid)',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- Misses in a row per person (live state, next to the last assignment).
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_agent_activity'
    AND COLUMN_NAME = 'missed_in_row') = 0,
  'ALTER TABLE kf_agent_activity
     ADD COLUMN missed_in_row INT UNSIGNED NOT NULL DEFAULT 0',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- One row per person a WeCom chat was given to. queued_at: when the chat
-- entered the waiting pool (NULL: it went to the person at once);
-- assigned_at: when this person got it; first_reply_at: their first
-- message; ended_at/end_reason: when and why it left them (NULL: still
-- theirs). via: how it reached them (handoff, pool, hold, widen, reroute,
-- take_back, manual, recovered). Times in UTC.
CREATE TABLE IF NOT EXISTS kf_wecom_leg (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  open_kfid        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  external_userid  VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  entry_id         VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  agent_id         VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  via              VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  queued_at        DATETIME(3) NULL,
  assigned_at      DATETIME(3) NOT NULL,
  first_reply_at   DATETIME(3) NULL,
  ended_at         DATETIME(3) NULL,
  end_reason       ENUM('ended', 'missed', 'taken_back', 'transferred') NULL,
  KEY kf_wecom_leg_session (open_kfid, external_userid, ended_at),
  KEY kf_wecom_leg_at (assigned_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (17, 'lifecycle');
