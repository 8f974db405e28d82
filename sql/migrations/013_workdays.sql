-- 013: make-up working days (调休). On day the schedule is open from
-- start_min to end_min (minutes after local midnight; end_min <= start_min
-- runs past midnight into the next day, 1440 is midnight) instead of that
-- weekday's regular slots. A day is a closure or a workday, never both:
-- the admin program refuses the pair (kf_schedule_closure has the dates).
--
-- Idempotent: CREATE ... IF NOT EXISTS, triggers dropped and made again.

CREATE TABLE IF NOT EXISTS kf_schedule_workday (
  schedule_id  VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  day          DATE NOT NULL,
  start_min    SMALLINT UNSIGNED NOT NULL,
  end_min      SMALLINT UNSIGNED NOT NULL,
  note         VARCHAR(64) NOT NULL DEFAULT '',
  PRIMARY KEY (schedule_id, day),
  CONSTRAINT kf_schedule_workday_schedule FOREIGN KEY (schedule_id)
    REFERENCES kf_schedule (id) ON DELETE CASCADE,
  CONSTRAINT kf_schedule_workday_range CHECK (start_min < 1440
    AND end_min BETWEEN 1 AND 1440 AND start_min <> end_min)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Routing reads schedules from its snapshot: a change moves the version.
DROP TRIGGER IF EXISTS kf_schedule_workday_ai;
CREATE TRIGGER kf_schedule_workday_ai AFTER INSERT ON kf_schedule_workday
  FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_schedule_workday_au;
CREATE TRIGGER kf_schedule_workday_au AFTER UPDATE ON kf_schedule_workday
  FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;
DROP TRIGGER IF EXISTS kf_schedule_workday_ad;
CREATE TRIGGER kf_schedule_workday_ad AFTER DELETE ON kf_schedule_workday
  FOR EACH ROW
  UPDATE kf_meta SET config_version = config_version + 1 WHERE id = 1;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (13, 'workdays');
