-- 016: WeCom kf accounts and links synced on request from the admin page.
-- kfadmin.fcgi holds no WeCom secret: it records a request here, and the
-- WeCom worker (`kfctl wecom worker`, wecom.conf, the wecom database
-- account) claims it, runs the sync and records the result. Durable, so a
-- request made while no worker runs is done when one starts.
--
-- At most one request is pending or running: `active` is 1 for those and
-- NULL otherwise, and its unique key makes a second request while one is
-- open fail to insert (INSERT IGNORE), so the page merges it into the
-- open one, even when two operators click at the same time.
-- A worker claims with one UPDATE (pending, or running with an expired
-- lease: its worker died) naming itself; two workers on two hosts cannot
-- both win it.

CREATE TABLE IF NOT EXISTS kf_wecom_sync (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  state         ENUM('pending', 'running', 'done', 'failed') NOT NULL
                DEFAULT 'pending',
  active        TINYINT AS (IF(state IN ('pending', 'running'), 1, NULL))
                PERSISTENT,
  requested_by  VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  requested_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  worker        VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
  started_at    TIMESTAMP(3) NULL,
  lease_until   TIMESTAMP(3) NULL,
  finished_at   TIMESTAMP(3) NULL,
  accounts      INT UNSIGNED NULL,
  links_created INT UNSIGNED NULL,
  problems      INT UNSIGNED NULL,
  -- Why it failed (or the last problem), in Chinese, and WeCom's errcode.
  error         VARCHAR(255) NULL,
  errcode       INT NULL,
  UNIQUE KEY kf_wecom_sync_active (active),
  KEY kf_wecom_sync_state (state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The WeCom workers' heartbeats, one row per host: the page tells
-- "nobody picks requests up" from a stale beat.
CREATE TABLE IF NOT EXISTS kf_wecom_worker (
  host        VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
              PRIMARY KEY,
  pid         INT UNSIGNED NOT NULL,
  started_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  beat_at     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (16, 'wecom_sync_request');
