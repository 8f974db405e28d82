-- 006: which entry and person a WeCom customer's session belongs to,
-- bound when they enter the chat (enter_session), used when their first
-- message moves the session to a person.

CREATE TABLE IF NOT EXISTS kf_wecom_session (
  open_kfid        VARCHAR(64) CHARACTER SET ascii NOT NULL,
  external_userid  VARCHAR(64) CHARACTER SET ascii NOT NULL,
  entry_id         VARCHAR(64) CHARACTER SET ascii NOT NULL,
  ticket_agent_id  VARCHAR(64) CHARACTER SET ascii NULL,  -- chosen at the tap
  agent_id         VARCHAR(64) CHARACTER SET ascii NULL,  -- chosen on entering
  entered_at       TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
                   ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (open_kfid, external_userid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (6, 'wecom_session');
