// The three editable tables: entries (buttons), agents, groups.
import { h } from './dom.js';
import { crudView } from './crud.js';
import { state, agentName } from './state.js';

const STRATEGIES = [['least_busy', '最空闲优先'], ['round_robin', '轮流'], ['ordered', '按顺序'],
  ['longest_idle', '最久未接待'], ['random', '随机']];
const agentOptions = () => state.agents.map((a) => [a.id, `${a.display_name}(${a.id})`]);
const groupOptions = () => [['', '(无)'], ...state.groups.map((g) => [g.id, `${g.name}(${g.id})`])];
const scheduleOptions = () => [['', '(全天)'], ...state.schedules.map((s) => [s.id, `${s.name}(${s.id})`])];

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
    extra: (item) => h('button', { type: 'button', onclick: () => snippet(item) }, '代码'),
  });
}

// What to paste into the mini-program for this button.
function snippet(item) {
  const wxml = `<button bindtap="contactKf" data-entry="${item.id}">${item.label}</button>`;
  const js = `// page.js: ask kfroute who answers, then open that person's chat
contactKf(e) {
  const entry = e.currentTarget.dataset.entry;
  wx.request({
    url: 'https://YOUR-HOST/api/contact',
    method: 'POST',
    data: { entry },
    success: ({ data }) => {
      if (!data.success) return wx.showToast({ title: data.message, icon: 'none' });
      if (data.notice) wx.showToast({ title: data.notice, icon: 'none' });
      if (data.target.type === 'wecom_kf')
        wx.openCustomerServiceChat({ extInfo: { url: data.target.url }, corpId: data.target.corp_id });
      else if (data.target.type === 'page') wx.navigateTo({ url: data.target.url });
    },
    fail: () => wx.showToast({ title: '网络错误,请重试', icon: 'none' }),
  });
}`;
  const dlg = h('dialog.snippet', { 'aria-label': `入口 ${item.id} 的小程序代码` },
    h('h3', {}, `入口 ${item.id}:粘贴到小程序`),
    h('p', {}, 'WXML'), h('pre', {}, wxml),
    h('p', {}, 'JS'), h('pre', {}, js),
    h('p', {}, '网页链接:', h('code', {}, `${location.origin}/go/${item.id}`)),
    h('button', { type: 'button', onclick: () => { dlg.close(); dlg.remove(); } }, '关闭'));
  document.body.appendChild(dlg);
  dlg.showModal();
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

export const STATUS = { online: '在线', busy: '忙碌', offline: '离线' };

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

