// Who is online and how loaded, refreshed every few seconds; admins can
// override a person's status (audited like any change). With 10,000
// people the board is a search: by id or name, by group, by status, the
// server filtering and counting (GET agents?q=&group=&status=), 200 cards
// a page with 加载更多; a refresh reloads the pages shown.
import { h, clear, fmtTime, select } from './dom.js';
import { get, post } from './api.js';
import { state, flash, remember } from './state.js';
import { PAGING, PRESENCE, STATUS, STATUS_SOURCE, word } from './words.js';

const REFRESH_MS = 5000;
const FILTERS = ['', 'online', 'busy', 'offline'];

export function presenceView(root) {
  clear(root).appendChild(h('h2', {}, '在线状态'));
  root.appendChild(h('p.hint', {}, `每 ${REFRESH_MS / 1000} 秒自动刷新。`,
    state.me.role === 'admin' ? '点按钮可临时改变某人的状态。' : ''));
  const filter = { q: '', group: '', status: '' };
  const search = h('input', { name: 'q', type: 'search', placeholder: PRESENCE.search, 'aria-label': PRESENCE.search_label });
  const group = select('group', [['', PRESENCE.all_groups], ...state.groups.map((g) => [g.id, `${g.name}(${g.id})`])], '',
    { 'aria-label': PRESENCE.group });
  const chips = h('div.status-filter', { role: 'group', 'aria-label': PRESENCE.status });
  const board = h('div.board', { 'aria-live': 'polite' });
  const more = h('button.more', { type: 'button', hidden: true }, PAGING.more);
  const stamp = h('p.hint');
  root.append(h('div.toolbar.presence-filter', {}, search, group, chips), board, h('div.toolbar.paging', {}, more), stamp);

  let pages = 1;
  let next = null;
  let asked = 0;
  const path = (after) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v) p.set(k, v);
    if (after) p.set('after', after);
    const s = p.toString();
    return s ? `agents?${s}` : 'agents';
  };

  // The pages shown, again (or one more): the whole board at once, so a
  // refresh never leaves half a board.
  async function refresh(add = 0) {
    const mine = ++asked;
    const items = [];
    let counts = null;
    let after = null;
    let n = 0;
    try {
      do {
        const r = await get(path(after));
        items.push(...r.items);
        counts = counts || r.counts;
        after = r.next;
        n++;
      } while (after !== null && n < pages + add);
    } catch (e) { if (mine === asked) stamp.textContent = e.message; return; }
    if (mine !== asked) return;
    pages = n;
    next = after;
    remember('agents', items);
    clear(board);
    for (const a of items) board.appendChild(card(a));
    if (!items.length) board.appendChild(h('p.hint.empty', {}, PRESENCE.none));
    more.hidden = next === null;
    showCounts(counts);
    stamp.textContent = `${PRESENCE.shown(items.length, counts && counts[filter.status || 'all'])} · `
      + `更新于 ${new Date().toLocaleTimeString('zh-CN', { hour12: false })}`;
  }

  // Counts under the search and group, whatever status is chosen: each
  // status button says how many it would show.
  function showCounts(counts) {
    clear(chips);
    for (const s of FILTERS) {
      chips.appendChild(h(`button.status-${s || 'all'}`, { type: 'button', dataset: { status: s },
        'aria-pressed': String(filter.status === s),
        onclick: () => { filter.status = s; pages = 1; refresh(); } },
      s ? STATUS[s] : PRESENCE.all, ' ', h('b', {}, counts ? counts[s || 'all'] : '…')));
    }
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

  let typing = null;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { filter.q = search.value.trim(); pages = 1; refresh(); }, 250);
  });
  group.addEventListener('change', () => { filter.group = group.value; pages = 1; refresh(); });
  more.addEventListener('click', () => refresh(1));
  showCounts(null);
  refresh();
  const timer = setInterval(() => refresh(), REFRESH_MS);
  return () => { clearInterval(timer); clearTimeout(typing); };
}
