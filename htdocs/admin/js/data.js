// Customers and orders: a page at a time with a key search, CSV in and out.
import { h, clear } from './dom.js';
import { crudView } from './crud.js';
import { api } from './api.js';
import { state } from './state.js';
import { agentOptions } from './tables.js';

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
