-- What each kfroute program may do in the database: least privilege you
-- can read in one screen. Applied by scripts/db-grants.sh after the
-- migrations (the tables must exist), with @DB@, @PUBLIC@, @WECOM@ and
-- @ADMIN@ replaced by the database and the three accounts ('user'@'host').
-- Each account first loses what it had, so running it again is safe.
--
--   public  kfroute.fcgi, on the internet: reads what routing needs,
--           writes counters, sticky, last assignments and commit claims.
--           No operators, sessions, audit, WeCom token or messages.
--   wecom   kfwecom.fcgi and `kfctl wecom worker`: routing reads, its own
--           kf_wecom_* tables, presence and load of agents (those columns
--           only), the commits of handoffs. No operators, no config.
--           The worker runs the page's sync requests (see the end): it
--           adds kf accounts and links (never deletes them), and records
--           a request's progress and result, not who asked.
--   admin   kfadmin.fcgi and kfctl: every kfroute table's rows (kfctl
--           retention purges old rows and alone writes kf_stat_hour).
-- The owner (migrations: CREATE, ALTER, TRIGGER...) is whoever runs
-- scripts/migrate.sh; triggers run with their definer's rights.

REVOKE ALL PRIVILEGES, GRANT OPTION FROM @PUBLIC@;
REVOKE ALL PRIVILEGES, GRANT OPTION FROM @WECOM@;
REVOKE ALL PRIVILEGES, GRANT OPTION FROM @ADMIN@;

-- public
GRANT SELECT ON @DB@.kf_meta TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_entry TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_entry_agent TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_entry_notice TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_agent TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_group TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_group_member TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_rule TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_schedule TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_schedule_slot TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_schedule_closure TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_customer TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_order TO @PUBLIC@;
GRANT SELECT ON @DB@.kf_wecom_link TO @PUBLIC@;
GRANT SELECT, INSERT, UPDATE ON @DB@.kf_stat_minute TO @PUBLIC@;
GRANT SELECT, INSERT, UPDATE ON @DB@.kf_last_agent TO @PUBLIC@;
GRANT SELECT, INSERT, UPDATE ON @DB@.kf_agent_activity TO @PUBLIC@;
GRANT SELECT, INSERT, DELETE ON @DB@.kf_commit TO @PUBLIC@;
-- 013: make-up working days, read with the rest of the schedules
GRANT SELECT ON @DB@.kf_schedule_workday TO @PUBLIC@;

-- wecom
GRANT SELECT ON @DB@.kf_meta TO @WECOM@;
GRANT SELECT ON @DB@.kf_entry TO @WECOM@;
GRANT SELECT ON @DB@.kf_entry_agent TO @WECOM@;
GRANT SELECT ON @DB@.kf_entry_notice TO @WECOM@;
GRANT SELECT, UPDATE (status, status_source, status_at, active_sessions)
  ON @DB@.kf_agent TO @WECOM@;
GRANT SELECT ON @DB@.kf_group TO @WECOM@;
GRANT SELECT ON @DB@.kf_group_member TO @WECOM@;
GRANT SELECT ON @DB@.kf_rule TO @WECOM@;
GRANT SELECT ON @DB@.kf_schedule TO @WECOM@;
GRANT SELECT ON @DB@.kf_schedule_slot TO @WECOM@;
GRANT SELECT ON @DB@.kf_schedule_closure TO @WECOM@;
GRANT SELECT ON @DB@.kf_customer TO @WECOM@;
GRANT SELECT ON @DB@.kf_order TO @WECOM@;
GRANT SELECT ON @DB@.kf_wecom_account TO @WECOM@;
GRANT SELECT ON @DB@.kf_wecom_link TO @WECOM@;
GRANT SELECT, INSERT, UPDATE, DELETE ON @DB@.kf_wecom_token TO @WECOM@;
GRANT SELECT, INSERT, UPDATE, DELETE ON @DB@.kf_wecom_news TO @WECOM@;
GRANT SELECT, INSERT, UPDATE, DELETE ON @DB@.kf_wecom_cursor TO @WECOM@;
GRANT SELECT, INSERT, UPDATE, DELETE ON @DB@.kf_wecom_msg TO @WECOM@;
GRANT SELECT, INSERT, UPDATE, DELETE ON @DB@.kf_wecom_session TO @WECOM@;
GRANT SELECT, INSERT, UPDATE, DELETE ON @DB@.kf_wecom_refusal TO @WECOM@;
GRANT SELECT, INSERT, UPDATE ON @DB@.kf_stat_minute TO @WECOM@;
GRANT SELECT, INSERT, UPDATE ON @DB@.kf_last_agent TO @WECOM@;
GRANT SELECT, INSERT, UPDATE ON @DB@.kf_agent_activity TO @WECOM@;
GRANT SELECT, INSERT, DELETE ON @DB@.kf_commit TO @WECOM@;
-- 013: make-up working days, read with the rest of the schedules
GRANT SELECT ON @DB@.kf_schedule_workday TO @WECOM@;

-- admin
GRANT SELECT, INSERT, UPDATE, DELETE ON @DB@.* TO @ADMIN@;

-- wecom: the sync the admin page requests (016). kfadmin.fcgi (admin)
-- inserts the request; the worker claims it and writes what it found:
-- accounts upserted, links inserted once (never deleted), the request's
-- state and result columns, its host's heartbeat.
-- (INSERT ... ON DUPLICATE KEY UPDATE wants UPDATE on the key too.)
GRANT INSERT, UPDATE ON @DB@.kf_wecom_account TO @WECOM@;
GRANT INSERT ON @DB@.kf_wecom_link TO @WECOM@;
GRANT SELECT, UPDATE (state, worker, started_at, lease_until, finished_at,
  accounts, links_created, problems, error, errcode)
  ON @DB@.kf_wecom_sync TO @WECOM@;
GRANT SELECT, INSERT, UPDATE ON @DB@.kf_wecom_worker TO @WECOM@;

-- wecom: the chat's life after the first transfer (017). The worker keeps
-- one row per person a chat was given to (the response-time numbers) and
-- a person's misses in a row; it may mark a person busy after misses
-- (kf_agent.status, granted above).
GRANT SELECT, INSERT, UPDATE ON @DB@.kf_wecom_leg TO @WECOM@;
