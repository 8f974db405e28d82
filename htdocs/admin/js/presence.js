// Who is online and how loaded, refreshed every few seconds; admins can
// override a person's status (audited like any change).
import { h, clear, fmtTime } from './dom.js';
import { get, post } from './api.js';
import { state, flash } from './state.js';
import { STATUS, STATUS_SOURCE, word } from './words.js';

const REFRESH_MS = 5000;

export function presenceView(root) {
  clear(root).appendChild(h('h2', {}, '在线状态'));
  root.appendChild(h('p.hint', {}, `每 ${REFRESH_MS / 1000} 秒自动刷新。`,
    state.me.role === 'admin' ? '点按钮可临时改变某人的状态。' : ''));
  const board = h('div.board', { 'aria-live': 'polite' });
  const stamp = h('p.hint');
  root.append(board, stamp);

  async function refresh() {
    let items;
    try { items = (await get('agents')).items; } catch (e) { stamp.textContent = e.message; return; }
    clear(board);
    for (const a of items) board.appendChild(card(a));
    stamp.textContent = `更新于 ${new Date().toLocaleTimeString('zh-CN', { hour12: false })}`;
  }

  function card(a) {
    const pct = a.capacity > 0 ? Math.min(100, Math.round((100 * a.active_sessions) / a.capacity)) : 100;
    return h(`div.agent.${a.status}`, { dataset: { id: a.id } },
      h('div.name', {}, a.display_name, h('small', {}, ` ${a.id}`)),
      h('div.status', {}, h('span.dot'), word(STATUS, a.status), a.enabled ? '' : '(已停用)'),
      h('div.load', { title: `接待中 ${a.active_sessions} / 上限 ${a.capacity}` },
        h('div.bar', {}, h('span', { style: { width: `${pct}%` } })),
        `${a.active_sessions}/${a.capacity}`),
      h('div.src', {}, `${word(STATUS_SOURCE, a.status_source)} · ${fmtTime(a.status_at) || '—'}`),
      state.me.role === 'admin' && h('div.set', {}, ['online', 'busy', 'offline'].map((s) =>
        h('button', { type: 'button', disabled: s === a.status, onclick: () => set(a, s) }, STATUS[s]))));
  }

  async function set(a, status) {
    try {
      await post(`agents/${encodeURIComponent(a.id)}/presence`, { status });
      flash(`${a.display_name}:${word(STATUS, status)}`);
      refresh();
    } catch (e) { flash(e.message, 'error'); }
  }

  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => clearInterval(timer);
}
