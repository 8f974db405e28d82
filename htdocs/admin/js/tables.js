// The three editable tables: entries (buttons), agents, groups.
import { h, clear } from './dom.js';
import { crudView } from './crud.js';
import { api } from './api.js';
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
    extra: (item) => [h('button', { type: 'button', onclick: () => snippet(item) }, '代码'),
      h('button', { type: 'button', onclick: () => qr(item) }, '二维码')],
  });
}

function dialog(label, ...body) {
  const dlg = h('dialog.snippet', { 'aria-label': label }, ...body,
    h('button', { type: 'button', onclick: () => { dlg.close(); dlg.remove(); } }, '关闭'));
  document.body.appendChild(dlg);
  dlg.showModal();
  return dlg;
}

// The entry's /go/ link: beside this page's directory (admin/), so it is
// right under a sub-path too (https://host/kf/go/...).
const goLink = (id) => new URL(`../go/${encodeURIComponent(id)}`, location.href).href;

// The entry's /go/ link as a QR code (SVG made by the server).
function qr(item) {
  const src = `api/entries/${encodeURIComponent(item.id)}/qr`;
  dialog(`入口 ${item.id} 的二维码`, h('h3', {}, `${item.label}:扫码打开`),
    h('img.qr', { src, alt: `${goLink(item.id)} 的二维码`, width: 240, height: 240 }),
    h('p', {}, h('code', {}, goLink(item.id))),
    h('p', {}, h('a', { href: src, download: `${item.id}-qr.svg` }, '下载 SVG')));
}

// WXML text: no markup, and no {{ }} data binding, from a label.
function wxmlText(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\{\{/g, '{ {');
}

// What to paste into the mini-program for this button: the kf-contact
// component, or by hand the same three steps it takes (ask ahead, act in
// the tap, report the tap).
function snippet(item) {
  const component = `<!-- page.json: "usingComponents": { "kf-contact": "/components/kf-contact/kf-contact" } -->
<kf-contact base-url="https://YOUR-HOST" scene="${item.scene || ''}" />`;
  const wxml = `<button bindtap="contactKf" data-entry="${item.id}">${wxmlText(item.label)}</button>`;
  const js = `// page.js. 1. Ask kfroute ahead (on show): who would answer. A quote changes nothing.
onShow() {
  wx.request({ url: 'https://YOUR-HOST/api/contact', method: 'POST', data: { entry: '${item.id}' },
    success: ({ data }) => { if (data.success) this.quote = data; } });
},
// 2. Act inside the tap (WeChat opens a WeCom chat only from a tap handler),
// 3. then report the tap: only now do rotation, sticky and counts move.
contactKf() {
  const q = this.quote;
  if (!q) return wx.showToast({ title: '正在连接客服,请稍候再点', icon: 'none' });
  const t = q.target;
  if (t.type === 'wecom_kf') wx.openCustomerServiceChat({ extInfo: { url: t.url }, corpId: t.corp_id });
  else if (t.type === 'page') wx.navigateTo({ url: t.url });
  else if (t.type === 'url') wx.navigateTo({ url: '/pages/kf-webview/index?url=' + encodeURIComponent(t.url) });
  if (q.notice) wx.showToast({ title: q.notice, icon: 'none' });
  if (q.ticket) wx.request({ url: 'https://YOUR-HOST/api/tap', method: 'POST', data: { ticket: q.ticket } });
  this.onShow(); // a fresh quote for the next tap
}`;
  const parts = [h('h3', {}, `入口 ${item.id}:粘贴到小程序`),
    h('p', {}, '推荐:使用随 kfroute 提供的 kf-contact 组件(clients/miniprogram),它会提前查询、在点击时打开、并上报点击。'),
    h('pre', {}, component),
    h('p', {}, '或者手写:WXML'), h('pre', {}, wxml),
    h('p', {}, 'JS'), h('pre', {}, js)];
  if (item.target_type !== 'page') {
    parts.push(h('p', {}, '网页链接:', h('code', {}, goLink(item.id))));
  }
  dialog(`入口 ${item.id} 的小程序代码`, ...parts);
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

// Customers and orders: a page at a time with a key search, CSV in and out.
function dataView(root, spec) {
  let q = '';
  return crudView(root, {
    ...spec,
    query: () => (q ? `q=${encodeURIComponent(q)}` : ''),
    tools: (reload) => {
      const search = h('input', { name: 'q', placeholder: '按键前缀查找', 'aria-label': '查找' });
      search.addEventListener('change', () => { q = search.value.trim(); reload(); });
      const file = h('input', { type: 'file', name: 'csv', accept: '.csv,text/csv', 'aria-label': '导入 CSV' });
      const report = h('div.report', { 'aria-live': 'polite' });
      file.addEventListener('change', async () => {
        if (!file.files.length) return;
        clear(report);
        try {
          const text = await file.files[0].text();
          const r = await importCsv(spec.coll, text);
          report.append(h('p.ok', {}, `已导入 ${r.imported} 行`));
          reload();
        } catch (e) {
          report.append(h('p.error', { role: 'alert' }, e.message));
          const fields = e.body && e.body.fields;
          if (fields) report.append(h('p.error', {}, Object.values(fields).join(';')));
          if (e.body && e.body.rejected) {
            report.append(h('p.error', {}, `${e.body.rejected_count} 行有误,没有导入任何一行:`),
              h('table.grid.rejected', {}, h('tbody', {}, e.body.rejected.map((x) => h('tr', {},
                h('td', {}, `第 ${x.line} 行`),
                h('td', {}, Object.entries(x.fields).map(([k, v]) => `${k}:${v}`).join(';')))))));
          }
        }
        file.value = '';
      });
      return h('div.card.tools', {}, search,
        canWrite() && h('label', {}, '导入 CSV ', file),
        h('a', { href: `api/export/${spec.coll}`, download: `${spec.coll}.csv` }, '导出 CSV'),
        h('p.hint', {}, `CSV 第一行为表头:${spec.columns.map((c) => c.key).join(',')}。同一个键的行会替换原有记录;有任何一行出错就一行也不导入。`),
        report);
    },
  });
}

const canWrite = () => state.me.role === 'admin';

const importCsv = (coll, text) => api('POST', `import/${coll}`, text, 'text/csv; charset=utf-8');

export function customersView(root) {
  return dataView(root, {
    coll: 'customers', key: 'customer_key', title: '客户', noun: '客户',
    intro: '客户的等级、标签和专属客服,供规则使用(客户身份来自小程序的 customer 令牌或 wx.login)。',
    columns: [
      { key: 'customer_key', label: '客户 key', fixed: true, max: 64 },
      { key: 'level', label: '等级', type: 'int' },
      { key: 'tags', label: '标签(逗号分隔)', max: 512 },
      { key: 'account_manager_id', label: '专属客服', type: 'select', nullable: true,
        options: () => [['', '(无)'], ...agentOptions()] },
    ],
  });
}

export function ordersView(root) {
  return dataView(root, {
    coll: 'orders', key: 'order_id', title: '订单', noun: '订单',
    intro: '订单的负责客服:客户带着自己的订单号来问时,交给负责人。',
    columns: [
      { key: 'order_id', label: '订单号', fixed: true, max: 64 },
      { key: 'customer_key', label: '客户 key', max: 64 },
      { key: 'agent_id', label: '负责客服', type: 'select', nullable: true,
        options: () => [['', '(无)'], ...agentOptions()] },
    ],
  });
}
