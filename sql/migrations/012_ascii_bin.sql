-- 012: identifiers compare byte for byte, as the programs do.
--
-- Every ascii column (ids, customer keys, openids, msgids, usernames,
-- tokens) used ascii_general_ci, so the database found 'VIP001' for
-- 'vip001' and 'CS1' for 'cs1' while the FastCGI snapshot did not: plain
-- CGI point queries and the snapshot disagreed, and a customer token for
-- VIP001 was served as vip001. Each such column becomes ascii_bin, the
-- rest of its definition unchanged; new tables must declare ascii_bin.
--
-- MariaDB changes no column a foreign key uses, so the foreign keys are
-- dropped and made again as they were. Before anything is dropped, rows
-- whose id matches its parent only ignoring case ('A2' for agent 'a2')
-- stop the migration with the table and column to fix: their keys could
-- not be made again. The keys to make again are kept in
-- kf_migrate_012_fk until every one is back, so a run cut short finishes
-- them the next time. Safe to run again.

DELIMITER //
CREATE OR REPLACE PROCEDURE kf_migrate_012()
BEGIN
  DECLARE done INT DEFAULT 0;
  DECLARE ddl, what TEXT;
  DECLARE cur CURSOR FOR SELECT stmt, label FROM kf_migrate_012_ddl ORDER BY step, stmt;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;

  SET SESSION group_concat_max_len = 1048576;
  CREATE TABLE IF NOT EXISTS kf_migrate_012_fk (
    name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    tbl VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    stmt TEXT NOT NULL
  ) ENGINE=InnoDB;
  CREATE OR REPLACE TEMPORARY TABLE kf_migrate_012_ddl (
    step INT NOT NULL, stmt TEXT NOT NULL, label TEXT NULL);
  IF (SELECT COUNT(*) FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'kf\_%'
        AND CHARACTER_SET_NAME = 'ascii' AND COLLATION_NAME <> 'ascii_bin') > 0 THEN
    -- 0: rows that would break a key once ids compare byte for byte.
    INSERT INTO kf_migrate_012_ddl
      SELECT 0, CONCAT('SELECT COUNT(*) INTO @kf_bad FROM `', k.TABLE_NAME,
        '` c WHERE c.`', k.COLUMN_NAME, '` IS NOT NULL AND NOT EXISTS ',
        '(SELECT 1 FROM `', k.REFERENCED_TABLE_NAME, '` p WHERE BINARY p.`',
        k.REFERENCED_COLUMN_NAME, '` = BINARY c.`', k.COLUMN_NAME, '`)'),
        CONCAT(k.TABLE_NAME, '.', k.COLUMN_NAME)
      FROM information_schema.KEY_COLUMN_USAGE k
      WHERE k.CONSTRAINT_SCHEMA = DATABASE() AND k.TABLE_NAME LIKE 'kf\_%'
        AND k.REFERENCED_TABLE_NAME IS NOT NULL;
    -- The keys as they are, to make again (kept until all are back).
    INSERT IGNORE INTO kf_migrate_012_fk
      SELECT r.CONSTRAINT_NAME, r.TABLE_NAME,
        CONCAT('ALTER TABLE `', r.TABLE_NAME, '` ADD CONSTRAINT `',
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
    -- 1: drop every foreign key of the kfroute tables...
    INSERT INTO kf_migrate_012_ddl
      SELECT 1, CONCAT('ALTER TABLE `', TABLE_NAME, '` DROP FOREIGN KEY `',
        CONSTRAINT_NAME, '`'), NULL
      FROM information_schema.REFERENTIAL_CONSTRAINTS
      WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'kf\_%';
    -- 2: ...one ALTER per table (one rebuild), each column as it was but
    -- for its collation.
    INSERT INTO kf_migrate_012_ddl
      SELECT 2, CONCAT('ALTER TABLE `', TABLE_NAME, '` ',
        GROUP_CONCAT(CONCAT('MODIFY `', COLUMN_NAME, '` ', COLUMN_TYPE,
          ' CHARACTER SET ascii COLLATE ascii_bin',
          IF(IS_NULLABLE = 'NO', ' NOT NULL', ' NULL'),
          IF(COLUMN_DEFAULT IS NULL, '', CONCAT(' DEFAULT ', COLUMN_DEFAULT)),
          IF(COLUMN_COMMENT = '', '', CONCAT(' COMMENT ', QUOTE(COLUMN_COMMENT))))
          ORDER BY ORDINAL_POSITION SEPARATOR ', ')), NULL
      FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'kf\_%'
        AND CHARACTER_SET_NAME = 'ascii' AND COLLATION_NAME <> 'ascii_bin'
      GROUP BY TABLE_NAME;
  END IF;
  -- Two passes: the checks, drops and changes; then (3) every recorded
  -- key that is not there, as it is then.
  SET @kf_pass = 1;
  WHILE @kf_pass <= 2 DO
    IF @kf_pass = 2 THEN
      DELETE FROM kf_migrate_012_ddl;
      INSERT INTO kf_migrate_012_ddl
        SELECT 3, f.stmt, NULL FROM kf_migrate_012_fk f
        WHERE NOT EXISTS (SELECT 1 FROM information_schema.REFERENTIAL_CONSTRAINTS r
          WHERE r.CONSTRAINT_SCHEMA = DATABASE() AND r.TABLE_NAME = f.tbl
            AND r.CONSTRAINT_NAME = f.name);
      SET done = 0;
    END IF;
    OPEN cur;
    each_stmt: LOOP
      FETCH cur INTO ddl, what;
      IF done THEN LEAVE each_stmt; END IF;
      SET @kf_ddl = ddl, @kf_bad = 0;
      PREPARE st FROM @kf_ddl;
      EXECUTE st;
      DEALLOCATE PREPARE st;
      IF what IS NOT NULL AND @kf_bad > 0 THEN
        SET @kf_msg = CONCAT('012: ', what, ' has ', @kf_bad, ' row(s) whose id ',
          'matches its parent only ignoring case; correct them, then migrate again');
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = @kf_msg;
      END IF;
    END LOOP;
    CLOSE cur;
    SET @kf_pass = @kf_pass + 1;
  END WHILE;
  DROP TEMPORARY TABLE kf_migrate_012_ddl;
  DROP TABLE kf_migrate_012_fk;
END//
DELIMITER ;

CALL kf_migrate_012();
DROP PROCEDURE kf_migrate_012;

INSERT IGNORE INTO kf_schema_version (version, name) VALUES (12, 'ascii_bin');
