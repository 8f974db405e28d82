-- Demo data that shows the routing at once. Loaded by `make run` on the
-- first start only; the tests load it too.
--
--   cs1 售前  designated a1 小王, overflow to presale {a1,a2,a3} least_busy
--   cs2 售后  designated a4 小赵, overflow to aftersale {a4,a5} round_robin
--   cs3 VIP   strict: only a6 老周
--   cs1 rule: customers of level >= 3 go to a6 老周 first
--   customers: vip001 (level 5, account manager a3), c100 (level 1) with
--   order o1001 handled by a5
--   help      a web page for /go/help

INSERT INTO kf_agent (id, display_name, wecom_userid, status, capacity) VALUES
  ('a1', '小王', 'WangXiao',  'online', 5),
  ('a2', '小李', 'LiXiao',    'online', 5),
  ('a3', '小张', 'ZhangXiao', 'online', 5),
  ('a4', '小赵', 'ZhaoXiao',  'online', 5),
  ('a5', '小陈', 'ChenXiao',  'online', 5),
  ('a6', '老周', 'ZhouLao',   'online', 3);

INSERT INTO kf_group (id, name) VALUES
  ('presale', '售前组'), ('aftersale', '售后组'), ('vip', 'VIP组');

INSERT INTO kf_group_member (group_id, agent_id, position) VALUES
  ('presale', 'a1', 0), ('presale', 'a2', 1), ('presale', 'a3', 2),
  ('aftersale', 'a4', 0), ('aftersale', 'a5', 1),
  ('vip', 'a6', 0);

INSERT INTO kf_entry (id, label, scene, sort_order, target_type, target,
    policy, fallback_group_id, fallback_strategy) VALUES
  ('cs1', '联系售前客服', 'home', 10, 'page', '/pages/service1',
    'overflow', 'presale', 'least_busy'),
  ('cs2', '联系售后客服', 'home', 20, 'page', '/pages/service2',
    'overflow', 'aftersale', 'round_robin'),
  ('cs3', '联系VIP客服', 'vip', 30, 'page', '/pages/service3',
    'strict', NULL, 'ordered'),
  ('help', '在线帮助中心', 'home', 40, 'url', 'https://help.example.com/kf',
    'overflow', NULL, 'least_busy');

INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES
  ('cs1', 'a1', 0), ('cs2', 'a4', 0), ('cs3', 'a6', 0);

INSERT INTO kf_rule (entry_id, priority, kind, level, target_type, target_id)
  VALUES ('cs1', 10, 'level_at_least', 3, 'agent', 'a6');

INSERT INTO kf_customer (customer_key, level, tags, account_manager_id) VALUES
  ('vip001', 5, 'vip,wholesale', 'a3'),
  ('c100', 1, '', NULL);

INSERT INTO kf_order (order_id, customer_key, agent_id) VALUES
  ('o1001', 'c100', 'a5');
