// "Who would this tap reach now?": the routing engine's decision and
// every candidate it looked at, for an entry, a customer and a time.
import { h, clear, fmtTime } from './dom.js';
import { get } from './api.js';
import { state, agentName, entryName, resolve } from './state.js';
import { searchBox } from './fields.js';
import { PICKER, STEP, VERDICT, reasonText, whatText, word, fieldName } from './words.js';

// The form's fields by their label, for the API's field errors.
const FORM = { entry: '入口', customer: '客户', order: '订单', at: '时间' };

// Groups by their name in reasons and trace lines ("后备分组 售前组").
const names = { group: (id) => state.groups.find((g) => g.id === id)?.name || id };

export async function previewView(root) {
  // The entry is found by searching (there may be 100,000); the first
  // one is chosen to start with.
  const first = (await get('entries')).items[0];
  let entry = first ? first.id : '';
  if (first) state.names.entries.set(first.id, first.label);
  const chosen = h('span.ref-chosen');
  const showEntry = () => clear(chosen).append(entry ? h('span.chip', { dataset: { id: entry } }, entryName(entry))
    : h('span.hint', {}, PICKER.unset));
  const pick = searchBox('entry', '入口', async (q) => {
    const r = await get(q ? `entries?q=${encodeURIComponent(q)}` : 'entries');
    r.items.forEach((e) => state.names.entries.set(e.id, e.label));
    return r.items.map((e) => [e.id, `${e.label}(${e.id})`]);
  }, (id) => { entry = id; showEntry(); });
  showEntry();
  clear(root).appendChild(h('h2', {}, '路由预览'));
  root.appendChild(h('p.hint', {}, '用当前的配置和在线状态,看某个入口此刻会把客户交给谁,以及为什么。'));
  const form = h('form.card.add', { 'aria-label': '路由预览' },
    h('div.fields', {},
      h('div.label.entry-pick', {}, h('span', {}, '入口'), chosen, h('div.picker', {}, pick.input, pick.list)),
      h('label', {}, h('span', {}, '客户(可选)'), h('input', { name: 'customer', placeholder: '客户 key,如 vip001' })),
      h('label', {}, h('span', {}, '订单(可选)'), h('input', { name: 'order', placeholder: '如 o1001' })),
      h('label', {}, h('span', {}, '时间(可选)'), h('input', { name: 'at', type: 'datetime-local' }))),
    h('button.primary', { type: 'submit' }, '预览'));
  const out = h('div.result', { 'aria-live': 'polite' });
  root.append(form, out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    if (entry) q.set('entry', entry);
    for (const k of ['customer', 'order', 'at']) {
      const v = form.elements[k].value.trim();
      if (v) q.set(k, v);
    }
    clear(out);
    try {
      const r = await get(`preview?${q}`);
      await resolve('agents', [r.agent && r.agent.id, ...r.trace.map((t) => t.agent_id)].filter(Boolean));
      show(out, r);
    } catch (e) {
      const f = Object.entries(e.fields || {}).map(([k, v]) => `${FORM[k] || fieldName('preview', k)}:${v}`).join(';');
      out.appendChild(h('p.error', { role: 'alert' }, f || e.message));
    }
  });
}

function show(out, r) {
  const head = String(r.reason || '').split(':')[0];
  // A web-link entry opens its page: nobody is assigned, by design.
  const who = head === 'link' ? '网页链接,不分配客服' : r.agent ? agentName(r.agent.id) : '无人可接待';
  // "Handed on" only when someone (a person or a group's member) was
  // chosen after the designated ones: not when nobody was.
  const handed = r.fallback && r.agent && head !== 'none' && head !== 'link';
  out.append(
    h('dl.decision', {},
      h('dt', {}, '接待人'), h('dd.who', {}, who),
      h('dt', {}, '原因'), h('dd.reason', {}, reasonText(r.reason, names), handed ? '(已转接)' : ''),
      h('dt', {}, '给客户的提示'), h('dd', {}, r.notice || '—'),
      r.hold_s && [h('dt', {}, '等待'), h('dd.hold', {}, `此人正忙,会话最多等 ${r.hold_s} 秒,再按入口顺序转给下一位`)],
      r.next_open && [h('dt', {}, '下次营业'), h('dd', {}, fmtTime(r.next_open))],
      r.order_ignored && [h('dt', {}, '订单'), h('dd', {}, '不属于该客户或没有负责人,已忽略')]),
    !r.trace.length ? '' : h('table.grid.trace', {}, h('thead', {}, h('tr', {}, ['步骤', '候选', '客服', '结果'].map((t) => h('th', {}, t)))),
      h('tbody', {}, r.trace.map((t) => h(`tr.${t.verdict}`, {},
        // The business-hours check is no step of its own in the trace.
        h('td', { 'data-label': '步骤' }, t.what === 'closed' ? '营业时间' : word(STEP, t.step)),
        h('td', { 'data-label': '候选' }, whatText(t.what, names)),
        h('td', { 'data-label': '客服' }, t.agent_id ? agentName(t.agent_id) : '—'),
        h('td', { 'data-label': '结果' }, word(VERDICT, t.verdict)))))),
    r.truncated ? h('p.hint', {}, '候选太多,只列出了前面的一部分。') : '');
}
