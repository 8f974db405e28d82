-- 003: the WeCom access token, shared by every worker process and host.
-- One row per app: token_key is the SHA-256 (hex) of corp id, a newline and
-- the app secret, so two apps of one corp never overwrite each other and
-- the secret itself is never stored. Refreshed by one process at a time
-- (a named lock, GET_LOCK), before it expires.

CREATE TABLE IF NOT EXISTS kf_wecom_token (
  token_key     CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  corp_id       VARCHAR(64) CHARACTER SET ascii NOT NULL,
  access_token  VARCHAR(512) CHARACTER SET ascii NOT NULL,
  expires_at    BIGINT NOT NULL,   -- unix seconds
  updated_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
                ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (3, 'wecom_token');
