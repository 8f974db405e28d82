-- 014: operators managed from the admin page, and an audit log that says
-- where a change came from.
--
-- kf_admin_user.disabled: a disabled operator cannot log in (the same
-- answer as a wrong password) and has no sessions (the page ends them
-- when it disables; a session of a disabled operator is not honoured).
-- kf_audit.via: 'page' (the admin page, the default, as every row before
-- this migration was), 'kfctl' (the command line: username is then the
-- operating-system user that ran it) or 'worker' (the WeCom worker).
-- Safe to run again.

SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_admin_user'
    AND COLUMN_NAME = 'disabled') = 0,
  'ALTER TABLE kf_admin_user
     ADD COLUMN disabled TINYINT(1) NOT NULL DEFAULT 0 AFTER pw_hash',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

SET @ddl = IF((SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_audit'
    AND COLUMN_NAME = 'via') = 0,
  'ALTER TABLE kf_audit
     ADD COLUMN via VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin
       NOT NULL DEFAULT ''page'' AFTER username',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

-- The audit page filters by operator and by object.
SET @ddl = IF((SELECT COUNT(*) FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_audit'
    AND INDEX_NAME = 'kf_audit_user') = 0,
  'ALTER TABLE kf_audit ADD KEY kf_audit_user (username, id)',
  'DO 0');
PREPARE ddl FROM @ddl; EXECUTE ddl; DEALLOCATE PREPARE ddl;

INSERT IGNORE INTO kf_schema_version (version, name)
  VALUES (14, 'operators_audit');
