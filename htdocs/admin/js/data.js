// Customers and orders: a page at a time with a key search, CSV in and out.
// An import sends the file's bytes as they are (Excel's GBK or UTF-8: the
// server reads both), so no character is lost in the browser.
import { h, clear } from './dom.js';
import { crudView } from './crud.js';
import { api, get, post } from './api.js';
import { state, entryName, resolve } from './state.js';
import { agentRef, idsOf } from './tables.js';
import { searchBox } from './fields.js';
import { PICKER, RULE_KIND, RULE_TARGET } from './words.js';

// A rejected import: every bad field of every bad row, by line, under
// the column names the operator sees.
function rejectReport(spec, body) {
  const label = (k) => (k === 'csv' ? '整行' : (spec.columns.find((c) => c.key === k) || {}).label || k);
  const shown = body.rejected.length;
  return [
    h('p.error', {}, `${body.rejected_count} 行有误,没有导入任何一行${body.rejected_count > shown ? `(只列出前 ${shown} 行)` : ''}:`),
    h('table.grid.rejected', {},
      h('thead', {}, h('tr', {}, h('th', {}, '行号'), h('th', {}, '列'), h('th', {}, '问题'))),
      h('tbody', {}, body.rejected.flatMap((x) => Object.entries(x.fields).map(([k, v]) => h('tr', {},
        h('td', { 'data-label': '行号' }, `第 ${x.line} 行`),
        h('td', { 'data-label': '列' }, label(k)),
        h('td', { 'data-label': '问题' }, v)))))),
  ];
}

function dataView(root, spec) {
  return crudView(root, {
    ...spec,
    paged: true,
    search: '按键前缀查找',
    tools: (reload) => {
      const report = h('div.report', { 'aria-live': 'polite' });
      const file = h('input', { type: 'file', name: 'csv', accept: '.csv,text/csv', 'aria-label': '导入 CSV' });
      file.addEventListener('change', async () => {
        clear(report);
        if (!file.files.length) return;
        const name = file.files[0].name;
        report.append(h('p.hint', {}, `正在导入 ${name}…`));
        try {
          const r = await importCsv(spec.coll, file.files[0]);
          clear(report).append(h('p.ok', {}, `已导入 ${r.imported} 行(新增 ${r.created},修改 ${r.updated},`
            + `未变 ${r.unchanged};文件编码 ${r.encoding === 'gb18030' ? 'GBK/GB18030' : 'UTF-8'})`));
          reload();
        } catch (e) {
          clear(report).append(h('p.error', { role: 'alert' }, `${name}:${e.message}`));
          const fields = e.body && e.body.fields;
          if (fields && Object.keys(fields).length) {
            report.append(h('ul.error', {}, Object.values(fields).map((v) => h('li', {}, v))));
          }
          if (e.body && e.body.rejected) report.append(...rejectReport(spec, e.body));
        }
        file.value = '';
      });
      const names = spec.columns.map((c) => c.label).join(',');
      const tools = h('div.card.tools', {},
        canWrite() && h('label', {}, '导入 CSV ', file),
        h('a', { href: `api/export/${spec.coll}`, download: `${spec.coll}.csv` }, '导出 CSV'),
        h('a.template', { href: `api/template/${spec.coll}`, download: `${spec.coll}-template.csv`,
          onclick: () => clear(report) }, '下载导入模板'),
        h('p.hint', {}, `CSV 第一行为表头:${names}(也可用英文列名 ${spec.columns.map((c) => c.key).join(',')})。`
          + 'Excel 保存的 GBK 或 UTF-8 文件都可以直接导入;空行和空列会被忽略。'
          + '每个文件最多 20000 行(不含表头),更多的(包括更大的导出文件)请分成几个文件导入。'
          + `${spec.cells}同一个键的行会替换原有记录;有任何一行出错就一行也不导入。`),
        report);
      // Both above the table: a fragment, so crudView places them as one.
      const all = document.createDocumentFragment();
      all.append(tools);
      if (spec.more) all.append(spec.more());
      return all;
    },
  });
}

const canWrite = () => state.me.role === 'admin';

// The file's bytes as they are: the server finds the encoding.
const importCsv = (coll, file) => api('POST', `import/${coll}`, file, 'text/csv');

// Orders only route when an entry has a rule "订单负责人": say so, show
// which entries have one, and make one for an entry found by searching
// (entries may be 100,000: no list of those without).
function orderAgentCard() {
  const card = h('div.card.order-agent', {});
  const msg = h('p', { 'aria-live': 'polite' });
  let has = new Set();
  let picked = null;
  const chosen = h('span.ref-chosen');
  const add = h('button', { type: 'button', disabled: true }, `添加“${RULE_KIND.order_agent}”规则`);
  const showPicked = () => {
    clear(chosen).append(picked ? h('span.chip', { dataset: { id: picked } }, entryName(picked)) : h('span.hint', {}, PICKER.unset));
    add.disabled = !picked;
  };
  // Web-link entries open a page: no one to hand an order to.
  const pick = searchBox('entry_id', '入口', async (q) => {
    const r = await get(q ? `entries?q=${encodeURIComponent(q)}` : 'entries');
    r.items.forEach((e) => state.names.entries.set(e.id, e.label));
    return r.items.filter((e) => e.target_type !== 'url' && !has.has(e.id)).map((e) => [e.id, `${e.label}(${e.id})`]);
  }, (id) => { picked = id; showPicked(); });
  add.addEventListener('click', async () => {
    clear(msg);
    add.disabled = true;
    const entry = picked;
    try {
      await post('rules', { entry_id: entry, kind: 'order_agent', target_type: 'implicit' });
      picked = null;
      await load();
      msg.className = 'ok';
      msg.textContent = `已为入口 ${entryName(entry)} 添加规则`;
    } catch (e) {
      add.disabled = false;
      msg.className = 'error';
      msg.textContent = e.message;
    }
  });
  async function load() {
    let rules;
    try {
      rules = await get('rules');
    } catch (e) {
      clear(card).append(h('p.error', { role: 'alert' }, e.message));
      return;
    }
    has = new Set(rules.items.filter((r) => r.kind === 'order_agent' && r.enabled).map((r) => r.entry_id));
    await resolve('entries', [...has]);
    showPicked();
    clear(card).append(...[
      h('h3', {}, '按订单找负责客服'),
      h('p.hint', {}, `客户带着订单号来问时,要交给这张订单的负责客服,入口上需要一条条件为“${RULE_KIND.order_agent}”`
        + `的规则(目标:${RULE_TARGET.implicit})。没有这条规则的入口不看订单,导入的负责客服不会被用到。`),
      h('p', {}, has.size ? `已有这条规则的入口(${has.size} 个):` : '还没有入口有这条规则。'),
      h('ul.entries', {}, [...has].map((id) => h('li', { dataset: { entry: id, has: '1' } },
        `${entryName(id)}:`, h('span.ok', {}, '已有')))),
      canWrite() ? h('div.tools', {}, h('span', {}, '为入口添加 '), chosen,
        h('div.picker', {}, pick.input, pick.list), add) : null,
      msg].filter(Boolean));
  }
  load();
  return card;
}

export function customersView(root) {
  return dataView(root, {
    coll: 'customers', key: 'customer_key', title: '客户', noun: '客户',
    onItems: (items) => resolve('agents', idsOf(items, 'account_manager_id')),
    intro: '客户的等级、标签和专属客服,供规则使用(客户身份来自小程序的 customer 令牌或 wx.login)。',
    cells: '标签用逗号分隔(放在一个单元格里);专属客服填客服 ID。',
    columns: [
      { key: 'customer_key', label: '客户 key', fixed: true, max: 64 },
      { key: 'level', label: '等级', type: 'int' },
      { key: 'tags', label: '标签', max: 512 },
      agentRef('account_manager_id', '专属客服'),
    ],
  });
}

export function ordersView(root) {
  return dataView(root, {
    coll: 'orders', key: 'order_id', title: '订单', noun: '订单',
    onItems: (items) => resolve('agents', idsOf(items, 'agent_id')),
    intro: '订单的负责客服:客户带着自己的订单号来问时,交给负责人。',
    cells: '负责客服填客服 ID。',
    columns: [
      { key: 'order_id', label: '订单号', fixed: true, max: 64 },
      { key: 'customer_key', label: '客户 key', max: 64 },
      agentRef('agent_id', '负责客服'),
    ],
    more: orderAgentCard,
  });
}
