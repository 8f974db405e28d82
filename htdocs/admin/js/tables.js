// The editable tables: entries (buttons), agents, groups, rules and
// business hours, each a list of column specs for crud.js. Entries and
// agents come a page at a time with a search; agents and entries are
// picked by searching, never from a select of all of them.
import { STATUS, STRATEGY, TARGET_TYPE, POLICY, RULE_KIND, RULE_TARGET, LIFE, lifeText } from './words.js';
import { get } from './api.js';
import { crudView } from './crud.js';
import { hhmm } from './fields.js';
import { entryExtra } from './entrytools.js';
import { state, agentName, entryName, resolve, search } from './state.js';

const STRATEGIES = Object.entries(STRATEGY);
const scheduleOptions = () => [['', '(全天)'], ...state.schedules.map((s) => [s.id, `${s.name}(${s.id})`])];

const groupChoices = (q) => state.groups.filter((g) => !q || g.id.startsWith(q) || g.name.includes(q))
  .map((g) => [g.id, `${g.name}(${g.id})`]);
const groupName = (id) => {
  const g = state.groups.find((x) => x.id === id);
  return g ? `${g.name}(${id})` : id;
};

// A column picking one agent by searching (customers' account manager,
// orders' owner).
export const agentRef = (key, label) => ({ key, label, type: 'ref', nullable: true, none: '(无)',
  search: (q) => search('agents', q), label_of: agentName });
// The ids a page of rows shows, for resolve().
export const idsOf = (items, ...keys) => items.flatMap((it) => keys.flatMap((k) => it[k] ?? []));

const ID_HINT = '字母、数字、_ 或 -';

// Entries that hand the customer to someone (not a web link).
const routed = (v) => v.target_type !== 'url';

// What happens to a WeCom chat after its first transfer (接待流程): only
// WeCom entries have one. Empty is the config's default (GET settings),
// named in the box; 0 turns a timer or limit off.
const wecom = (v) => v.target_type === 'wecom_kf';
const LIFE_HELP = {
  widen_after_s: '首选的客服(指定、规则、专属或上次接待的客服)正忙或接待已满(不是离线)时,客户最多等这么久,再转给下一位;0 不等',
  reroute_after_s: '客服接到会话后这么久还没回复第一句,会话转给下一位客服,并记一次未接;0 不限',
  take_back: '客服下线时,手上还没回复过的会话转给下一位客服',
  busy_after_misses: '客服连续未接这么多个会话后,自动设为忙碌;0 从不',
  queue_max: '等待池中排队的客户最多这么多位,再来的客户被告知队列已满;0 不限',
  queue_notice_step: '客户进入等待池时告知排在第几位和预计等待时间,位置变化达到这么多位时再告知一次(微信只允许再发一次);0 不告知',
  leave_message: '非营业时间客户的留言留给入口的第一位指定客服,并当即告诉客户由谁、何时回复;开始营业时先交给这位客服',
};
const LIMIT = { widen_after_s: 86400, reroute_after_s: 86400, busy_after_misses: 100, queue_max: 100000,
  queue_notice_step: 1000 };
function lifeColumns(defaults) {
  // "默认:不等待", "默认:30 秒"; a choice's "默认(开)".
  const dflt = (k) => {
    if (!defaults) return '默认';
    const v = defaults[k];
    if (!LIFE[k].unit) return `默认(${lifeText(k, v)})`;
    return `默认:${v === 0 ? LIFE[k].zero : lifeText(k, v)}`;
  };
  return [
    { key: '_life', label: '接待流程', type: 'heading', table: false, when: wecom,
      hint: '留空的项按服务器配置的默认值;只对微信客服入口有效' },
    ...Object.entries(LIFE).map(([k, x]) => ({
      key: k, label: x.label, table: false, when: wecom, hint: LIFE_HELP[k],
      ...(x.unit ? { type: 'int', unit: x.unit, min: 0, maxValue: LIMIT[k], placeholder: dflt(k) }
        : { type: 'tristate', placeholder: dflt(k) }),
    })),
  ];
}

export async function entriesView(root) {
  let defaults = null;
  try { defaults = (await get('settings')).lifecycle; } catch { defaults = null; }
  return crudView(root, {
    coll: 'entries', title: '入口(联系客服按钮)', noun: '入口', nameKey: 'label',
    paged: true, search: '按 ID 开头或按钮文字查找',
    onItems: (items) => resolve('agents', idsOf(items, 'agents')),
    intro: '每个入口是小程序里的一个“联系客服”按钮:绑定指定客服,不在时按策略转给分组。保存后小程序在几秒内生效。',
    defaults: { enabled: true, target_type: 'page', policy: 'overflow', fallback_strategy: 'least_busy', sort_order: 0 },
    columns: [
      { key: 'id', label: 'ID', fixed: true, required: true, max: 64, placeholder: '如 cs_sale', hint: ID_HINT },
      { key: 'label', label: '按钮文字', required: true, max: 128 },
      { key: 'scene', label: '场景', max: 64, placeholder: '如 home', hint: `${ID_HINT},可空` },
      { key: 'sort_order', label: '排序', type: 'int', required: true, hint: '数字小的在前' },
      { key: 'enabled', label: '启用', type: 'bool' },
      { key: 'target_type', label: '打开方式', type: 'select',
        options: () => Object.entries(TARGET_TYPE) },
      { key: 'target', label: '目标', required: true, max: 1024, long: true, placeholder: '/pages/kf/index',
        hint: (v) => ({ page: '小程序页面路径,以 / 开头', url: '网页地址,以 https:// 开头',
          wecom_kf: '微信客服账号的 open_kfid' })[v.target_type] },
      // A web-link entry opens its page: nobody is assigned, so these
      // four do nothing for it (hidden in the dialog, "—" in the table).
      { key: 'agents', label: '指定客服', type: 'ids', search: (q) => search('agents', q), label_of: agentName,
        when: routed, na: (it) => !routed(it) },
      { key: 'policy', label: '不在时', type: 'select', when: routed, na: (it) => !routed(it),
        options: () => Object.entries(POLICY) },
      { key: 'fallback_group_id', label: '后备分组', type: 'ref', nullable: true, none: '(无)', search: groupChoices,
        label_of: groupName,
        when: routed, na: (it) => !routed(it) },
      { key: 'fallback_strategy', label: '分配策略', type: 'select', options: () => STRATEGIES,
        when: routed, na: (it) => !routed(it) },
      { key: 'schedule_id', label: '营业时间', type: 'select', nullable: true, options: scheduleOptions },
      ...lifeColumns(defaults),
    ],
    extra: entryExtra,
  });
}

export function agentsView(root) {
  return crudView(root, {
    coll: 'agents', title: '客服', noun: '客服', nameKey: 'display_name',
    paged: true, search: '按 ID 开头或名称查找',
    intro: '在线状态在“在线状态”页修改,或由企业微信自动同步。',
    defaults: { enabled: true, capacity: 5 },
    columns: [
      { key: 'id', label: 'ID', fixed: true, required: true, max: 64, hint: ID_HINT },
      { key: 'display_name', label: '名称', required: true, max: 64 },
      { key: 'wecom_userid', label: '企业微信 userid', max: 64, optional: true, nullIfEmpty: true, off: null },
      { key: 'capacity', label: '同时接待上限', type: 'int', required: true, min: 0, maxValue: 1000 },
      { key: 'enabled', label: '启用', type: 'bool' },
      { key: 'schedule_id', label: '班次', type: 'select', nullable: true, options: scheduleOptions },
      { key: 'status', label: '状态', readonly: true, create: false, show: (v) => STATUS[v] || v },
    ],
  });
}

export function groupsView(root) {
  return crudView(root, {
    coll: 'groups', title: '分组', noun: '分组', nameKey: 'name',
    onItems: (items) => resolve('agents', idsOf(items, 'members')),
    intro: '入口的后备分组:指定客服不在时,按入口的分配策略在组员中挑选。',
    columns: [
      { key: 'id', label: 'ID', fixed: true, required: true, max: 64, hint: ID_HINT },
      { key: 'name', label: '名称', required: true, max: 64 },
      { key: 'members', label: '组员(按顺序)', type: 'ids', search: (q) => search('agents', q), label_of: agentName },
    ],
  });
}

// Each condition, what it needs, and who it hands the customer to.
const RULE_KINDS = ['level_at_least', 'has_tag', 'time_window', 'order_agent', 'account_manager']
  .map((k) => [k, RULE_KIND[k]]);
const KIND_HELP = {
  level_at_least: '客户等级不低于所填等级时命中,交给下面的客服或分组。',
  has_tag: '客户带有所填标签时命中,交给下面的客服或分组。',
  time_window: '当前时间在这个时段内时命中(按入口营业时间表的时区);结束早于开始表示跨过午夜。',
  order_agent: '客户的订单有负责客服时命中,直接交给这位负责客服。',
  account_manager: '客户有专属客服时命中,直接交给这位专属客服。',
};
const IMPLICIT = ['order_agent', 'account_manager'];
const kindOf = (v) => v.kind || 'level_at_least';

function ruleCondition(r) {
  const name = (RULE_KINDS.find(([k]) => k === r.kind) || [r.kind, r.kind])[1];
  switch (r.kind) {
    case 'level_at_least': return `${name} ${r.level}`;
    case 'has_tag': return `${name} ${r.tag}`;
    case 'time_window': return `${name} ${hhmm(r.window_start)}-${r.window_end === 1440 ? '24:00' : hhmm(r.window_end)}`;
    default: return name;
  }
}

function ruleTarget(r) {
  if (r.target_type === 'implicit') return RULE_TARGET.implicit;
  if (r.target_type === 'agent') return `${RULE_TARGET.agent} ${agentName(r.target_id)}`;
  const how = (STRATEGIES.find(([k]) => k === r.strategy) || [0, r.strategy])[1];
  return `${RULE_TARGET.group} ${groupName(r.target_id)}·${how}`;
}

export function rulesView(root) {
  // Rules choose among people: web-link entries have none to choose (a
  // rule already on one stays shown while it is edited).
  const entryChoices = async (q, v = {}) => {
    const r = await get(q ? `entries?q=${encodeURIComponent(q)}` : 'entries');
    return r.items.filter((e) => { state.names.entries.set(e.id, e.label); return routed(e) || e.id === v.entry_id; })
      .map((e) => [e.id, `${e.label}(${e.id})`]);
  };
  return crudView(root, {
    coll: 'rules', title: '规则', noun: '规则', numbered: true,
    onItems: async (items) => {
      await resolve('entries', idsOf(items, 'entry_id'));
      await resolve('agents', idsOf(items.filter((r) => r.target_type === 'agent'), 'target_id'));
    },
    intro: '规则按优先级(数字小的先)在指定客服之前判断:命中就交给规则的目标。',
    defaults: { priority: 100, kind: 'level_at_least', target_type: 'agent', strategy: 'least_busy', enabled: true,
      window_start: 540, window_end: 1080 },
    columns: [
      { key: 'id', label: 'ID', fixed: true, create: false },
      { key: 'entry_id', label: '入口', type: 'ref', required: true, search: entryChoices, label_of: entryName },
      { key: 'priority', label: '优先级', type: 'int', required: true, min: 0, hint: '数字小的先判断' },
      { key: 'kind', label: '条件', type: 'select', table: false, options: () => RULE_KINDS,
        hint: (v) => KIND_HELP[kindOf(v)] },
      { key: 'condition', label: '条件', form: false, show: (_, r) => ruleCondition(r) },
      { key: 'level', label: '等级', type: 'int', table: false, required: true, min: 0,
        when: (v) => kindOf(v) === 'level_at_least', off: null },
      { key: 'tag', label: '标签', table: false, required: true, max: 64, nullIfEmpty: true,
        when: (v) => kindOf(v) === 'has_tag', off: null },
      { key: 'window_start', label: '开始时间', type: 'time', table: false, required: true,
        when: (v) => kindOf(v) === 'time_window', off: null },
      { key: 'window_end', label: '结束时间', type: 'time', end: true, table: false, required: true,
        when: (v) => kindOf(v) === 'time_window', off: null, hint: '00:00 表示到午夜' },
      { key: 'target_type', label: '交给', type: 'select', table: false, dynamic: true,
        options: (v) => (IMPLICIT.includes(kindOf(v)) ? [['implicit', RULE_TARGET.implicit]]
          : [['agent', RULE_TARGET.agent], ['group', RULE_TARGET.group]]) },
      { key: 'target_id', label: '目标', type: 'ref', table: false, required: true, nullable: true,
        when: (v) => v.target_type === 'agent' || v.target_type === 'group', off: null,
        source: (v) => v.target_type,
        search: (q, v) => (v.target_type === 'group' ? groupChoices(q) : search('agents', q)),
        label_of: (id, v) => (v && v.target_type === 'group' ? groupName(id) : agentName(id)) },
      { key: 'strategy', label: '分组策略', type: 'select', table: false, options: () => STRATEGIES,
        when: (v) => v.target_type === 'group', hint: '在组员中怎样挑选' },
      { key: 'target', label: '交给', form: false, show: (_, r) => ruleTarget(r) },
      { key: 'enabled', label: '启用', type: 'bool' },
    ],
  });
}

export function schedulesView(root) {
  return crudView(root, {
    coll: 'schedules', title: '营业时间', noun: '营业时间表', nameKey: 'name',
    intro: '每周各天的营业时段(结束早于开始表示跨过午夜;一天都不填表示全天营业),休息日当天不营业,调休日按所填时段上班。入口和客服可以各自选用一张表。',
    defaults: { tz: 'Asia/Shanghai' },
    columns: [
      { key: 'id', label: 'ID', fixed: true, required: true, max: 64, hint: ID_HINT },
      { key: 'name', label: '名称', required: true, max: 64 },
      { key: 'tz', label: '时区', type: 'tz' },
      { key: 'slots', label: '每周营业时段', type: 'week' },
      { key: 'closures', label: '休息日', type: 'closures', hint: '这些日子不营业' },
      { key: 'workdays', label: '调休(补班)', type: 'workdays', optional: true,
        hint: '本来休息、这一天按所填时段上班' },
    ],
  });
}
