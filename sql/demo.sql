-- Demo data: the seed's three buttons, each bound to a person, a few more
-- agents in each state, groups, and a web-page entry for /go/.
-- Loaded by `make run` on the first start only; the tests load it too.

INSERT INTO kf_agent (id, display_name, wecom_userid, status, capacity) VALUES
  ('wang',  '小王', 'WangXiaoWang', 'online',  5),
  ('li',    '小李', 'LiXiaoLi',     'online',  5),
  ('zhang', '老张', 'ZhangLao',     'online',  3),
  ('zhao',  '小赵', 'ZhaoXiao',     'offline', 5),
  ('chen',  '小陈', 'ChenXiao',     'busy',    5);

INSERT INTO kf_entry (id, label, scene, sort_order, target_type, target) VALUES
  ('cs1', '联系售前客服', 'home', 10, 'page', '/pages/service1'),
  ('cs2', '联系售后客服', 'home', 20, 'page', '/pages/service2'),
  ('cs3', '联系VIP客服',  'vip',  30, 'page', '/pages/service3'),
  ('help', '在线帮助中心', 'home', 40, 'url', 'https://help.example.com/kf');

INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES
  ('cs1', 'wang', 0), ('cs1', 'zhao', 1),
  ('cs2', 'li', 0),   ('cs2', 'chen', 1),
  ('cs3', 'zhang', 0);

INSERT INTO kf_group (id, name) VALUES
  ('presale', '售前组'), ('aftersale', '售后组'), ('vip', 'VIP组');

INSERT INTO kf_group_member (group_id, agent_id, position) VALUES
  ('presale', 'wang', 0), ('presale', 'zhao', 1),
  ('aftersale', 'li', 0), ('aftersale', 'chen', 1),
  ('vip', 'zhang', 0);
