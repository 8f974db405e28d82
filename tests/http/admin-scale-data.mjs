// The rows the admin-at-scale tests page through (HTTP and browser): n
// agents sc_a00001.. (every third busy, every fifth offline; names
// 规模客服N号), n entries sc_e00001.., and a group sc_g of the first ten,
// made with MariaDB's sequence engine; dropScale removes them all.
import { sql } from './lib.mjs';

export function dropScale() {
  sql("DELETE FROM kf_entry_agent WHERE entry_id LIKE 'sc\\_e%'");
  sql("DELETE FROM kf_group_member WHERE group_id = 'sc_g'");
  sql("DELETE FROM kf_group WHERE id = 'sc_g'");
  sql("DELETE FROM kf_entry WHERE id LIKE 'sc\\_e%'");
  sql("DELETE FROM kf_agent WHERE id LIKE 'sc\\_a%'");
}

export function loadScale(n) {
  dropScale();
  sql(`INSERT INTO kf_agent (id, display_name, capacity, status)
    SELECT CONCAT('sc_a', LPAD(seq, 5, '0')), CONCAT('规模客服', seq, '号'), 5,
      CASE WHEN seq % 5 = 0 THEN 'offline' WHEN seq % 3 = 0 THEN 'busy' ELSE 'online' END
    FROM seq_1_to_${n}`);
  sql(`INSERT INTO kf_entry (id, label, target)
    SELECT CONCAT('sc_e', LPAD(seq, 5, '0')), CONCAT('规模入口', seq), '/pages/kf/index' FROM seq_1_to_${n}`);
  sql("INSERT INTO kf_group (id, name) VALUES ('sc_g', '规模组')");
  sql(`INSERT INTO kf_group_member (group_id, agent_id, position)
    SELECT 'sc_g', CONCAT('sc_a', LPAD(seq, 5, '0')), seq FROM seq_1_to_10`);
}
