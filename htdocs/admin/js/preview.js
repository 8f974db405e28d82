// "Who would this tap reach now?": the routing engine's decision and
// every candidate it looked at, for an entry, a customer and a time.
import { h, clear, select } from './dom.js';
import { get } from './api.js';
import { agentName } from './state.js';

const VERDICT = {
  chosen: '选中', available: '可用(未选)', disabled: '已停用', offline: '离线', busy: '忙碌',
  full: '已满', off_shift: '不在班', unknown: '不存在', no_match: '条件不符', closed: '非营业时间',
  excluded: '已排除',
};

export async function previewView(root) {
  const entries = (await get('entries')).items;
  clear(root).appendChild(h('h2', {}, '路由预览'));
  root.appendChild(h('p.hint', {}, '用当前的配置和在线状态,看某个入口此刻会把客户交给谁,以及为什么。'));
  const form = h('form.card.add', { 'aria-label': '路由预览' },
    h('div.fields', {},
      h('label', {}, h('span', {}, '入口'), select('entry', entries.map((e) => [e.id, `${e.label}(${e.id})`]), entries[0]?.id)),
      h('label', {}, h('span', {}, '客户(可选)'), h('input', { name: 'customer', placeholder: '客户 key,如 vip001' })),
      h('label', {}, h('span', {}, '订单(可选)'), h('input', { name: 'order', placeholder: '如 o1001' })),
      h('label', {}, h('span', {}, '时间(可选)'), h('input', { name: 'at', type: 'datetime-local' }))),
    h('button.primary', { type: 'submit' }, '预览'));
  const out = h('div.result', { 'aria-live': 'polite' });
  root.append(form, out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const k of ['entry', 'customer', 'order', 'at']) {
      const v = form.elements[k].value.trim();
      if (v) q.set(k, v);
    }
    clear(out);
    try { show(out, await get(`preview?${q}`)); } catch (e) {
      const f = Object.entries(e.fields || {}).map(([k, v]) => `${k}:${v}`).join(';');
      out.appendChild(h('p.error', { role: 'alert' }, f || e.message));
    }
  });
}

function show(out, r) {
  out.append(
    h('dl.decision', {},
      h('dt', {}, '接待人'), h('dd.who', {}, r.agent ? agentName(r.agent.id) : '无人可接待'),
      h('dt', {}, '原因'), h('dd', {}, r.reason, r.fallback ? '(已转接)' : ''),
      h('dt', {}, '给客户的提示'), h('dd', {}, r.notice || '—'),
      r.next_open && [h('dt', {}, '下次营业'), h('dd', {}, r.next_open)],
      r.order_ignored && [h('dt', {}, '订单'), h('dd', {}, '不属于该客户或没有负责人,已忽略')]),
    h('table.grid', {}, h('thead', {}, h('tr', {}, ['步骤', '候选', '客服', '结果'].map((t) => h('th', {}, t)))),
      h('tbody', {}, r.trace.map((t) => h(`tr.${t.verdict}`, {},
        h('td', {}, t.step), h('td', {}, t.what), h('td', {}, t.agent_id ? agentName(t.agent_id) : '—'),
        h('td', {}, VERDICT[t.verdict] || t.verdict))))));
}
