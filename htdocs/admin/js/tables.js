// The three editable tables: entries (buttons), agents, groups.
import { STATUS } from './words.js';
import { crudView } from './crud.js';
import { entryExtra } from './entrytools.js';
import { state, agentName } from './state.js';

const STRATEGIES = [['least_busy', '最空闲优先'], ['round_robin', '轮流'], ['ordered', '按顺序'],
  ['longest_idle', '最久未接待'], ['random', '随机']];
const groupOptions = () => [['', '(无)'], ...state.groups.map((g) => [g.id, `${g.name}(${g.id})`])];
const scheduleOptions = () => [['', '(全天)'], ...state.schedules.map((s) => [s.id, `${s.name}(${s.id})`])];

export const agentOptions = () => state.agents.map((a) => [a.id, `${a.display_name}(${a.id})`]);

export function entriesView(root) {
  return crudView(root, {
    coll: 'entries', title: '入口(联系客服按钮)', noun: '入口',
    intro: '每个入口是小程序里的一个“联系客服”按钮:绑定指定客服,不在时按策略转给分组。保存后小程序在几秒内生效。',
    defaults: { enabled: true, target_type: 'page', policy: 'overflow', fallback_strategy: 'least_busy', sort_order: 0 },
    columns: [
      { key: 'id', label: 'ID', fixed: true, max: 64, placeholder: '如 cs_sale' },
      { key: 'label', label: '按钮文字', max: 128 },
      { key: 'scene', label: '场景', max: 64, placeholder: '如 home' },
      { key: 'sort_order', label: '排序', type: 'int' },
      { key: 'enabled', label: '启用', type: 'bool' },
      { key: 'target_type', label: '打开方式', type: 'select',
        options: () => [['page', '小程序页面'], ['url', '网页'], ['wecom_kf', '微信客服']] },
      { key: 'target', label: '目标', max: 1024, placeholder: '/pages/kf/index' },
      { key: 'agents', label: '指定客服', type: 'ids', options: agentOptions, label_of: agentName },
      { key: 'policy', label: '不在时', type: 'select',
        options: () => [['overflow', '转给分组'], ['strict', '只找指定客服']] },
      { key: 'fallback_group_id', label: '后备分组', type: 'select', nullable: true, options: groupOptions },
      { key: 'fallback_strategy', label: '分配策略', type: 'select', options: () => STRATEGIES },
      { key: 'schedule_id', label: '营业时间', type: 'select', nullable: true, options: scheduleOptions },
    ],
    extra: entryExtra,
  });
}

export function agentsView(root) {
  return crudView(root, {
    coll: 'agents', title: '客服', noun: '客服',
    intro: '在线状态在“在线状态”页修改,或由企业微信自动同步。',
    defaults: { enabled: true, capacity: 5 },
    columns: [
      { key: 'id', label: 'ID', fixed: true, max: 64 },
      { key: 'display_name', label: '名称', max: 64 },
      { key: 'wecom_userid', label: '企业微信 userid', max: 64, omitEmpty: true },
      { key: 'capacity', label: '同时接待上限', type: 'int' },
      { key: 'enabled', label: '启用', type: 'bool' },
      { key: 'schedule_id', label: '班次', type: 'select', nullable: true, options: scheduleOptions },
      { key: 'status', label: '状态', readonly: true, create: false, show: (v) => STATUS[v] || v },
    ],
  });
}


export function groupsView(root) {
  return crudView(root, {
    coll: 'groups', title: '分组', noun: '分组',
    intro: '入口的后备分组:指定客服不在时,按入口的分配策略在组员中挑选。',
    columns: [
      { key: 'id', label: 'ID', fixed: true, max: 64 },
      { key: 'name', label: '名称', max: 64 },
      { key: 'members', label: '组员(按顺序)', type: 'ids', options: agentOptions, label_of: agentName },
    ],
  });
}


const RULE_KINDS = [['level_at_least', '等级不低于'], ['has_tag', '带标签'], ['order_agent', '订单负责人'],
  ['account_manager', '专属客服'], ['time_window', '时段']];

export function rulesView(root) {
  const entryOptions = () => state.entries.map((e) => [e.id, `${e.label}(${e.id})`]);
  const targetOptions = () => [['', '(无)'],
    ...state.agents.map((a) => [a.id, `客服 ${a.display_name}(${a.id})`]),
    ...state.groups.map((g) => [g.id, `分组 ${g.name}(${g.id})`])];
  return crudView(root, {
    coll: 'rules', title: '规则', noun: '规则',
    intro: '规则按优先级(数字小的先)在指定客服之前判断:命中就交给规则的目标。时段用本地时间的分钟数(540 = 09:00)。',
    defaults: { priority: 100, kind: 'level_at_least', target_type: 'agent', strategy: 'ordered', enabled: true },
    columns: [
      { key: 'id', label: 'ID', fixed: true, create: false },
      { key: 'entry_id', label: '入口', type: 'select', options: entryOptions },
      { key: 'priority', label: '优先级', type: 'int' },
      { key: 'kind', label: '条件', type: 'select', options: () => RULE_KINDS },
      { key: 'level', label: '等级', type: 'int' },
      { key: 'tag', label: '标签', max: 64, omitEmpty: true, nullIfEmpty: true },
      { key: 'window_start', label: '开始(分钟)', type: 'int' },
      { key: 'window_end', label: '结束(分钟)', type: 'int' },
      { key: 'target_type', label: '交给', type: 'select',
        options: () => [['agent', '客服'], ['group', '分组'], ['implicit', '客户自己的客服']] },
      { key: 'target_id', label: '目标', type: 'select', nullable: true, options: targetOptions },
      { key: 'strategy', label: '分组策略', type: 'select', options: () => STRATEGIES },
      { key: 'enabled', label: '启用', type: 'bool' },
    ],
  });
}

export function schedulesView(root) {
  return crudView(root, {
    coll: 'schedules', title: '营业时间', noun: '营业时间表',
    intro: '每行一段:“周一 09:00-18:00”;结束早于开始表示跨过午夜。休息日每行一天:“2026-12-25 圣诞”。入口和客服可以各自选用一张表。',
    defaults: { tz: 'Asia/Shanghai' },
    columns: [
      { key: 'id', label: 'ID', fixed: true, max: 64 },
      { key: 'name', label: '名称', max: 64 },
      { key: 'tz', label: '时区', max: 64 },
      { key: 'slots', label: '营业时段', type: 'slots', placeholder: '周一 09:00-18:00' },
      { key: 'closures', label: '休息日', type: 'dates', placeholder: '2026-12-25 圣诞' },
    ],
  });
}
