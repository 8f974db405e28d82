-- 005: pulling WeCom messages. The sync_msg cursor per kf account, and
-- every message id seen, so each message is processed once even when two
-- workers or two hosts receive callbacks at the same time (the primary key
-- decides who processes it).

CREATE TABLE IF NOT EXISTS kf_wecom_cursor (
  open_kfid   VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  next_cursor VARCHAR(64) CHARACTER SET ascii NOT NULL,
  updated_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
              ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS kf_wecom_msg (
  msgid        VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  open_kfid    VARCHAR(64) CHARACTER SET ascii NOT NULL,
  msgtype      VARCHAR(32) CHARACTER SET ascii NOT NULL,
  event_type   VARCHAR(48) CHARACTER SET ascii NULL,
  external_userid VARCHAR(64) CHARACTER SET ascii NULL,
  received_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY kf_wecom_msg_received (received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (5, 'wecom_sync');
