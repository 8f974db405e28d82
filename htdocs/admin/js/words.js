// Every code the API answers with, in the words an operator reads: one
// table per kind. Views never show a code without its Chinese name; an
// unknown code shows as "其他" (with the code only in a tooltip), so a
// newer server never puts raw identifiers on the page.

export const STRATEGY = { least_busy: '最空闲优先', round_robin: '轮流', ordered: '按顺序',
  longest_idle: '最久未接待', random: '随机' };
export const TARGET_TYPE = { page: '小程序页面', url: '网页', wecom_kf: '微信客服' };
export const POLICY = { overflow: '转给分组', strict: '只找指定客服' };
export const RULE_KIND = { level_at_least: '等级不低于', has_tag: '带标签', order_agent: '订单负责人',
  account_manager: '专属客服', time_window: '时段' };
export const RULE_TARGET = { agent: '客服', group: '分组', implicit: '客户自己的客服' };
export const STATUS = { online: '在线', busy: '忙碌', offline: '离线' };
export const STATUS_SOURCE = { manual: '手动', wecom: '企业微信', system: '系统' };
export const ROLE = { admin: '管理员', viewer: '只读' };
// Pickers that search as one types (fields.js), and lists that come a
// page at a time (crud.js).
export const PICKER = { placeholder: '输入 ID 或名称查找', none_found: '没有找到', none: '没有可选的',
  narrow: '还有更多,请输入更多字缩小范围', unset: '(未选)', clear: '清除' };
export const PAGING = { more: '加载更多', shown: (n, more) => `已显示 ${n} 个${more ? ',还有更多' : ''}` };
// The presence board's filters (10,000 people: a search, not a wall).
export const PRESENCE = { search: '按 ID 开头或名称查找', search_label: '查找客服', group: '分组',
  all_groups: '全部分组', status: '状态', all: '全部', none: '没有符合条件的客服',
  shown: (n, of) => (of === undefined || of === null ? `显示 ${n} 位` : `显示 ${n} / ${of} 位`) };
// The statistics' per-person table: the top ones, searchable.
export const STATS_AGENTS = { title: '客服:接入量与当前负载', top: '按接入量排前 50 位', search: '按 ID 开头或名称查找',
  search_label: '查找客服', none: '没有符合条件的客服' };

// Routing steps (the preview's trace, routing.order).
export const STEP = { rules: '规则', designated: '指定客服', account_manager: '专属客服',
  sticky: '上次接待', group: '后备分组', global: '全局后备' };

// What the engine found for each candidate.
export const VERDICT = {
  chosen: '选中', available: '可用(未选)', disabled: '已停用', offline: '离线', busy: '忙碌',
  full: '已满', off_shift: '不在班', unknown: '不存在', no_match: '条件不符', closed: '非营业时间',
  excluded: '已排除', held: '正忙,等待此人',
};

// Reasons as counted in the statistics (the first part of a decision's
// reason: "rule:7" counts as rule).
export const REASON = { designated: '指定客服', rule: '规则', account_manager: '专属客服',
  sticky: '上次接待', group: '后备分组', global: '全局后备', none: '无人接待', link: '网页链接' };
const NONE = { closed: '非营业时间', full: '客服都在忙', offline: '客服都不在线' };

// Audit log: actions, object kinds, and each kind's fields.
export const ACTION = { create: '新增', update: '修改', delete: '删除', presence: '改状态', login: '登录',
  logout: '退出', import: '导入', passwd: '重设密码', disable: '停用', enable: '启用',
  sync: '同步' };
export const KIND = { entry: '入口', agent: '客服', group: '分组', rule: '规则', schedule: '营业时间',
  customer: '客户', order: '订单', session: '登录', operator: '操作员', wecom: '微信客服',
  wecom_account: '微信客服账号', wecom_link: '接入链接' };

const COMMON = { id: 'ID', version: '版本', updated_at: '修改时间', enabled: '启用' };
export const FIELD = {
  entry: { label: '按钮文字', scene: '场景', sort_order: '排序', target_type: '打开方式',
    target: '目标', agents: '指定客服', policy: '不在时', fallback_group_id: '后备分组',
    fallback_strategy: '分配策略', schedule_id: '营业时间', designated_over_capacity: '指定客服可超上限',
    wecom_scene: '微信客服场景值' },
  agent: { display_name: '名称', wecom_userid: '企业微信 userid', capacity: '同时接待上限',
    schedule_id: '班次', status: '状态', status_source: '状态来源', status_at: '状态时间',
    active_sessions: '接待中' },
  group: { name: '名称', members: '组员' },
  rule: { entry_id: '入口', priority: '优先级', kind: '条件', level: '等级', tag: '标签',
    window_start: '开始时间', window_end: '结束时间', target_type: '交给', target_id: '目标',
    strategy: '分组策略' },
  schedule: { name: '名称', tz: '时区', slots: '营业时段', closures: '休息日', workdays: '调休上班日' },
  customer: { customer_key: '客户 key', level: '等级', tags: '标签', account_manager_id: '专属客服' },
  order: { order_id: '订单号', customer_key: '客户 key', agent_id: '负责客服' },
  operator: { username: '用户名', role: '角色', disabled: '已停用' },
};
// Enumerated field values shown by name (audit before -> after).
export const VALUE = { target_type: TARGET_TYPE, policy: POLICY, fallback_strategy: STRATEGY,
  strategy: STRATEGY, kind: RULE_KIND, status: STATUS, status_source: STATUS_SOURCE, role: ROLE };

export function fieldName(kind, key) {
  return (FIELD[kind] && FIELD[kind][key]) || COMMON[key] || '其他字段';
}

// A code by its table; never the bare code.
export function word(table, code) {
  if (code === null || code === undefined || code === '') return '—';
  return Object.prototype.hasOwnProperty.call(table, code) ? table[code] : '其他';
}

// A decision's reason ("rule:7", "group:g1:least_busy", "none:closed",
// "designated") as a sentence part.
export function reasonText(reason, names = {}) {
  if (!reason) return '—';
  const [head, a, b] = String(reason).split(':');
  if (head === 'rule') return a ? `规则 #${a}` : '规则';
  if (head === 'group') {
    const g = a ? (names.group ? names.group(a) : a) : '';
    return [`后备分组${g ? ` ${g}` : ''}`, b && STRATEGY[b] ? `(${STRATEGY[b]})` : ''].join('');
  }
  if (head === 'none') return `无人接待${a && NONE[a] ? `:${NONE[a]}` : ''}`;
  return word(REASON, head);
}

// The preview trace's "what": a rule, a group, a step name, "closed".
export function whatText(what, names = {}) {
  if (!what) return '—';
  if (what === 'closed') return '营业时间';
  const [head] = String(what).split(':');
  if (head === 'rule' || head === 'group') return reasonText(what, names);
  return word(STEP, head);
}

// Statistics: the size of a bucket of GET stats.
export const BUCKET = { minute: '分钟', hour: '小时' };
// Statistics: what became of WeCom chats after the handoff (GET
// stats/lifecycle), the names of its numbers, and seconds as 1分05秒.
export const LIFE_STATS = { title: '接待时效', entry: '入口', agent: '客服', by_entry: '按入口', by_agent: '按客服', chats: '会话',
  answered: '已回复', first_response: '首次响应', handling: '处理时长', missed: '未回复转接',
  taken_back: '离线收回', rerouted: '重新分配', widened: '等不到指定客服', queue_wait: '排队等待',
  p50: 'p50(中位数)', p90: 'p90', pair: 'p50 / p90', chart: '各客服的首次响应',
  none: '这段时间没有微信客服会话。', deleted_entry: '已删除的入口', deleted_agent: '已删除的客服',
  hint: '首次响应:客服接到会话到第一次回复;处理时长:接到到会话结束(已回复并正常结束的);'
    + '未回复转接:超时没有回复、转给了下一位;离线收回:客服离线时还没回复、收回重新分配;'
    + '排队等待:在等待队列里等到客服接待的时间。p50 是一半会话不超过的时间,p90 是九成会话不超过的时间。' };
export function seconds(s) {
  if (s === null || s === undefined || !Number.isFinite(Number(s))) return '—';
  const t = Math.round(Number(s));
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = String(t % 60).padStart(2, '0');
  if (h) return `${h}小时${String(m).padStart(2, '0')}分`;
  return m ? `${m}分${sec}秒` : `${t}秒`;
}
// Audit log (audit.js, operators.js): where a change came from, what a
// WeCom sync row stands for, and the fields of rows that are no table's.
export const VIA = { page: '管理页面', kfctl: '命令行', worker: '企业微信同步' };
export const WECOM_SYNC = { accounts: '客服账号与接入链接', servicers: '接待人员状态' };
FIELD.wecom = { accounts: '客服账号', links_created: '新建接入链接', problems: '问题', servicers: '接待人员',
  id: '请求编号', state: '状态', requested_by: '发起人', requested_at: '发起时间', started_at: '开始执行',
  finished_at: '结束时间', worker: '执行进程', error: '错误', errcode: '微信错误码' };
// A WeCom sync request's state (the 同步 button's request, kf_wecom_sync).
export const WSYNC_STATE = { pending: '待处理', running: '进行中', done: '完成', failed: '失败' };
// Enumerated values by object kind and field: the same field name means
// different things per kind (a rule's target_type is agent/group/implicit,
// an entry's page/url/wecom_kf).
export const VALUE_OF = {
  entry: { target_type: TARGET_TYPE, policy: POLICY, fallback_strategy: STRATEGY },
  rule: { target_type: RULE_TARGET, kind: RULE_KIND, strategy: STRATEGY },
  agent: { status: STATUS, status_source: STATUS_SOURCE },
  operator: { role: ROLE },
  wecom: { state: WSYNC_STATE },
};
export function valueTable(kind, key) {
  return (VALUE_OF[kind] && VALUE_OF[kind][key]) || null;
}
FIELD.operator.created_at = '创建时间';
FIELD.operator.last_login = '最近登录';
FIELD.customer.rows = '行数';
FIELD.entry.decision_order = FIELD.entry.decision_order || '判断顺序';
FIELD.order.rows = '行数';

// Why customers could not reach an entry (GET /admin/api/reach).
export const REACH_PROBLEM = { host_not_allowed: '域名未放行', http_target: '不是 https',
  bad_url: '网址无效', wecom_no_link: '未同步接入链接', miniprogram_unset: '未配置小程序',
  scene_unusable: 'ID 过长' };

// An entry's lifecycle settings (接待流程, WeCom entries): the name, the
// unit of a number, and what 0 means; null is the config's default.
export const LIFE = {
  widen_after_s: { label: '等待首选客服', unit: '秒', zero: '不等待' },
  reroute_after_s: { label: '首次回复时限', unit: '秒', zero: '不限' },
  take_back: { label: '离线收回会话' },
  busy_after_misses: { label: '连续未接置忙', unit: '次', zero: '从不' },
  queue_max: { label: '排队上限', unit: '位', zero: '不限' },
  queue_notice_step: { label: '排队位置提示', unit: '位', zero: '不提示' },
  leave_message: { label: '留言转交' },
};
for (const [k, x] of Object.entries(LIFE)) FIELD.entry[k] = x.label;
// A setting's value in words: "默认", "开"/"关", "30 秒", "0(不等待)".
export function lifeText(key, v) {
  const x = LIFE[key];
  if (v === null || v === undefined || v === '') return '默认';
  if (!x.unit) return v ? '开' : '关';
  return Number(v) === 0 ? `0(${x.zero})` : `${v} ${x.unit}`;
}
