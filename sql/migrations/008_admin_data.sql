-- 008: orders get a row version like the other tables the admin page
-- edits (customers got theirs in 007).
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_order'
    AND COLUMN_NAME = 'version') = 0,
  'ALTER TABLE kf_order ADD COLUMN version INT UNSIGNED NOT NULL DEFAULT 1',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (8, 'admin_data');
