-- 012: identifiers compare byte for byte, as the programs do.
--
-- Every ascii column (ids, customer keys, openids, msgids, usernames,
-- tokens) used ascii_general_ci, so the database found 'VIP001' for
-- 'vip001' and 'CS1' for 'cs1' while the FastCGI snapshot did not: plain
-- CGI point queries and the snapshot disagreed, and a customer token for
-- VIP001 was served as vip001. Each such column becomes ascii_bin, the
-- rest of its definition unchanged; new tables must declare ascii_bin.
-- MariaDB changes no column a foreign key uses, so the foreign keys are
-- dropped first and made again as they were. Safe to run again: nothing
-- happens once every ascii column is ascii_bin.

DELIMITER //
CREATE OR REPLACE PROCEDURE kf_migrate_012()
BEGIN
  DECLARE done INT DEFAULT 0;
  DECLARE ddl TEXT;
  DECLARE cur CURSOR FOR SELECT stmt FROM kf_migrate_012_ddl ORDER BY step, stmt;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;

  SET SESSION group_concat_max_len = 1048576;
  CREATE OR REPLACE TEMPORARY TABLE kf_migrate_012_ddl (
    step INT NOT NULL, stmt TEXT NOT NULL);
  IF (SELECT COUNT(*) FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'kf\_%'
        AND CHARACTER_SET_NAME = 'ascii' AND COLLATION_NAME <> 'ascii_bin') > 0 THEN
    -- 1: drop every foreign key of the kfroute tables...
    INSERT INTO kf_migrate_012_ddl
      SELECT 1, CONCAT('ALTER TABLE `', TABLE_NAME, '` DROP FOREIGN KEY `',
        CONSTRAINT_NAME, '`')
      FROM information_schema.REFERENTIAL_CONSTRAINTS
      WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'kf\_%';
    -- 2: one ALTER per table (one rebuild), each column as it was but
    -- for its collation...
    INSERT INTO kf_migrate_012_ddl
      SELECT 2, CONCAT('ALTER TABLE `', TABLE_NAME, '` ',
        GROUP_CONCAT(CONCAT('MODIFY `', COLUMN_NAME, '` ', COLUMN_TYPE,
          ' CHARACTER SET ascii COLLATE ascii_bin',
          IF(IS_NULLABLE = 'NO', ' NOT NULL', ' NULL'),
          IF(COLUMN_DEFAULT IS NULL, '', CONCAT(' DEFAULT ', COLUMN_DEFAULT)),
          IF(COLUMN_COMMENT = '', '', CONCAT(' COMMENT ', QUOTE(COLUMN_COMMENT))))
          ORDER BY ORDINAL_POSITION SEPARATOR ', '))
      FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'kf\_%'
        AND CHARACTER_SET_NAME = 'ascii' AND COLLATION_NAME <> 'ascii_bin'
      GROUP BY TABLE_NAME;
    -- 3: ...and make the foreign keys again, rules and all.
    INSERT INTO kf_migrate_012_ddl
      SELECT 3, CONCAT('ALTER TABLE `', r.TABLE_NAME, '` ADD CONSTRAINT `',
        r.CONSTRAINT_NAME, '` FOREIGN KEY (',
        GROUP_CONCAT(CONCAT('`', k.COLUMN_NAME, '`') ORDER BY k.ORDINAL_POSITION),
        ') REFERENCES `', r.REFERENCED_TABLE_NAME, '` (',
        GROUP_CONCAT(CONCAT('`', k.REFERENCED_COLUMN_NAME, '`')
          ORDER BY k.ORDINAL_POSITION),
        ') ON DELETE ', r.DELETE_RULE, ' ON UPDATE ', r.UPDATE_RULE)
      FROM information_schema.REFERENTIAL_CONSTRAINTS r
      JOIN information_schema.KEY_COLUMN_USAGE k
        ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA
       AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME AND k.TABLE_NAME = r.TABLE_NAME
      WHERE r.CONSTRAINT_SCHEMA = DATABASE() AND r.TABLE_NAME LIKE 'kf\_%'
      GROUP BY r.TABLE_NAME, r.CONSTRAINT_NAME, r.REFERENCED_TABLE_NAME,
        r.DELETE_RULE, r.UPDATE_RULE;
  END IF;
  OPEN cur;
  each_stmt: LOOP
    FETCH cur INTO ddl;
    IF done THEN LEAVE each_stmt; END IF;
    SET @kf_ddl = ddl;
    PREPARE st FROM @kf_ddl;
    EXECUTE st;
    DEALLOCATE PREPARE st;
  END LOOP;
  CLOSE cur;
  DROP TEMPORARY TABLE kf_migrate_012_ddl;
END//
DELIMITER ;

CALL kf_migrate_012();
DROP PROCEDURE kf_migrate_012;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (12, 'ascii_bin');
