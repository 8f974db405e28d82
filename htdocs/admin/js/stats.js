// Traffic: handoffs over time (with fallbacks and unanswered ones), by
// entry, by agent with their current load, and by reason. A handoff is a
// chat that really reached a person or the waiting pool; views (quotes)
// and web-page link taps are counted apart and never count as handoffs.
// Then what became of WeCom chats after the handoff (接待时效): response
// and handling times, missed and taken-back chats, queue waits. With
// 10,000 people the server answers the 50 entries and people with the
// most (the totals come from the series); a search finds anyone else.
import { h, clear, select } from './dom.js';
import { get } from './api.js';
import { lineChart, barChart, groupedBarChart, hhmm, monthDay } from './chart.js';
import { BUCKET, LIFE_STATS, REASON, STATS_AGENTS, STATUS, seconds, word } from './words.js';

// Drawn in this order: the total under its parts, each part smaller
// (dots) and dashed, so one equal to the total still shows.
const SERIES = [{ key: 'total', label: '会话请求', cls: 'total', r: 4 },
  { key: 'fallbacks', label: '转接', cls: 'fallback', r: 3 }, { key: 'none', label: '无人接待', cls: 'none', r: 2.5 }];
const KEYS = ['total', 'fallbacks', 'none', 'quotes', 'taps', 'link_taps'];

// Every bucket from the range's start up to now, the empty ones as zeros:
// the API answers only the buckets that have something.
export function fillBuckets(r) {
  const step = r.bucket === 'minute' ? 60 : 3600;
  const until = r.until ?? Math.floor(Date.now() / 1000);
  const have = new Map(r.series.map((p) => [Math.floor(Date.parse(p.t) / 1000 / step) * step, p]));
  const out = [];
  // From the first whole bucket: the API counts from since on, so a
  // minute that began before it would look emptier than it was.
  for (let t = Math.ceil(r.since / step) * step; t <= until; t += step) {
    const p = have.get(t) || {};
    out.push({ t: t * 1000, values: Object.fromEntries(KEYS.map((k) => [k, Number(p[k]) || 0])) });
  }
  return out;
}

// 接待时效: the total as figures, a table per entry and per person (p50
// and p90 in one cell), first responses per person as bars.
const LIFE_COLS = [['chats'], ['first_response', true], ['handling', true], ['missed'], ['taken_back'],
  ['queue_wait', true]];
function lifecycle(l) {
  const t = l.total;
  const cell = (o, [k, pair]) => (pair ? `${seconds(o[`${k}_p50`])} / ${seconds(o[`${k}_p90`])}` : o[k]);
  const head = (k, pair) => (pair ? `${LIFE_STATS[k]} ${LIFE_STATS.pair}` : LIFE_STATS[k]);
  const table = (first, rows) => h('table.grid.life', {},
    h('thead', {}, h('tr', {}, [first, ...LIFE_COLS.map(([k, pair]) => head(k, pair))].map((x) => h('th', {}, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, h('td', { 'data-label': first }, r.name),
      LIFE_COLS.map((c) => h('td', { 'data-label': head(...c) }, cell(r.o, c)))))));
  const out = [h('h3', {}, LIFE_STATS.title)];
  if (!t.chats) return [...out, h('p.hint', {}, LIFE_STATS.none)];
  const kpi = (v, what) => h('div.kpi', {}, h('b', {}, v), what);
  const entries = l.entries.map((e) => ({ name: e.label || `${LIFE_STATS.deleted_entry} ${e.id}`, o: e }));
  const agents = l.agents.map((a) => ({ name: `${a.name || LIFE_STATS.deleted_agent}(${a.id})`, short: a.name || a.id, o: a }));
  const series = [{ key: 'first_response_p50', label: LIFE_STATS.p50, cls: 'p50' },
    { key: 'first_response_p90', label: LIFE_STATS.p90, cls: 'p90' }];
  return [...out,
    h('div.kpis', {}, h('div.kpi-group.life', { 'aria-label': LIFE_STATS.title },
      kpi(t.chats, LIFE_STATS.chats), kpi(t.answered, LIFE_STATS.answered),
      kpi(seconds(t.first_response_p50), `${LIFE_STATS.first_response} ${LIFE_STATS.p50}`),
      kpi(seconds(t.first_response_p90), `${LIFE_STATS.first_response} ${LIFE_STATS.p90}`),
      kpi(t.missed, LIFE_STATS.missed), kpi(t.taken_back, LIFE_STATS.taken_back), kpi(t.rerouted, LIFE_STATS.rerouted),
      kpi(t.widened, LIFE_STATS.widened))),
    h('p.hint', {}, LIFE_STATS.hint),
    h('h4', {}, LIFE_STATS.by_entry), h('div.scroll', {}, table(LIFE_STATS.entry, entries)),
    h('h4', {}, LIFE_STATS.by_agent), h('div.scroll', {}, table(LIFE_STATS.agent, agents)),
    h('h3', {}, LIFE_STATS.chart),
    groupedBarChart(agents.map((a) => ({ label: a.short, values: a.o })), series,
      { label: LIFE_STATS.chart, note: seconds }),
    h('p.legend', {}, series.map((x) => h(`span.${x.cls}`, {}, x.label)))];
}

export function statsView(root) {
  clear(root).appendChild(h('h2', {}, '流量统计'));
  const range = select('hours', [['1', '最近 1 小时'], ['6', '最近 6 小时'], ['24', '最近 24 小时'],
    ['168', '最近 7 天'], ['720', '最近 30 天']], '24', { 'aria-label': '时间范围' });
  const body = h('div.stats');
  root.append(h('p', {}, range), body);
  range.addEventListener('change', load);
  // The per-person search: kept across redraws, asked with the range.
  const find = h('input', { name: 'q', type: 'search', placeholder: STATS_AGENTS.search,
    'aria-label': STATS_AGENTS.search_label });
  find.addEventListener('change', load);

  // Only the latest choice's answer is shown (answers may cross).
  let asked = 0;
  async function load() {
    const mine = ++asked;
    // Busy until this choice is drawn: readers (and tests) wait for it.
    body.setAttribute('aria-busy', 'true');
    let r, life;
    try {
      const q = find.value.trim() ? `&q=${encodeURIComponent(find.value.trim())}` : '';
      [r, life] = await Promise.all([get(`stats?hours=${range.value}${q}`), get(`stats/lifecycle?hours=${range.value}`)]);
    } catch (e) {
      if (mine !== asked) return;
      delete body.dataset.hours;
      body.removeAttribute('aria-busy');
      clear(body).append(h('p.error', {}, e.message));
      return;
    }
    if (mine !== asked) return;
    clear(body);
    body.dataset.hours = r.hours;
    body.removeAttribute('aria-busy');
    // The series holds every handoff; the entries only the top 50.
    const sum = (k) => r.series.reduce((n, e) => n + (Number(e[k]) || 0), 0);
    const total = sum('total'), fb = sum('fallbacks'), none = sum('none');
    const pct = (n) => (total ? `${((100 * n) / total).toFixed(1)}%` : '—');
    const points = fillBuckets(r);
    const minute = r.bucket === 'minute';
    const when = (t) => `${monthDay(t)} ${hhmm(t)}${minute ? '' : ' 起 1 小时'}`;
    body.append(
      h('div.kpis', {},
        h('div.kpi-group', { 'aria-label': '会话请求' },
          h('div.kpi', {}, h('b', {}, total), '次会话请求'),
          h('div.kpi', {}, h('b', {}, total - none), '次接入(有客服接待)'),
          h('div.kpi', {}, h('b', {}, pct(fb)), `转接率(${fb} 次)`),
          h('div.kpi', {}, h('b', {}, pct(none)), `无人接待(${none} 次)`)),
        h('div.kpi-group.apart', { 'aria-label': '另计' },
          h('div.kpi', {}, h('b', {}, sum('quotes')), '次查看'),
          h('div.kpi', {}, h('b', {}, sum('link_taps')), '次打开网页'))),
      h('p.hint', {}, '会话请求:客户点了联系客服、进入会话的次数,含无人接待的;其中交到了客服手上的是接入。',
        '转接率和无人接待按会话请求计。按钮被显示时的查看(次查看)和网页入口的点击(次打开网页)另计,不算会话请求。'),
      h('h3', {}, `按${word(BUCKET, r.bucket)}的会话请求`),
      lineChart(points, SERIES, { label: '会话请求随时间变化',
        tip: (p) => `${when(p.t)}\n${SERIES.map((x) => `${x.label} ${p.values[x.key]}`).join(',')}` }),
      h('p.legend', {}, SERIES.map((x) => h(`span.${x.cls}`, {}, x.label))),
      h('div.two', {},
        h('div', {}, h('h3', {}, '按入口'), r.entries.length ? barChart(r.entries.map((e) => ({
          label: e.label || `已删除的入口 ${e.entry_id}`,
          value: Number(e.total) || Number(e.link_taps) || 0,
          // A web entry's taps are no handoffs: their bar is grey.
          cls: e.link_taps && !e.total ? 'link' : '',
          note: e.link_taps && !e.total ? `打开网页 ${e.link_taps}` : `${e.total}(转接 ${e.fallbacks},无人接待 ${Number(e.none) || 0})` })),
        { label: '按入口的会话请求' }) : h('p.hint', {}, '这段时间没有会话请求。')),
        h('div', {}, h('h3', {}, '按原因'), r.reasons.length ? barChart(r.reasons.map((x) => ({
          label: word(REASON, x.reason), value: x.total, cls: x.reason === 'none' ? 'none' : '' })),
        { label: '按原因的会话请求' }) : h('p.hint', {}, '这段时间没有会话请求。'))),
      h('h3', {}, STATS_AGENTS.title),
      h('div.toolbar.stats-agents', {}, find, h('span.hint', {}, STATS_AGENTS.top)),
      r.agents.length ? '' : h('p.hint', {}, STATS_AGENTS.none),
      h('table.grid.stats-agents', {}, h('thead', {}, h('tr', {}, ['客服', '接入', '当前接待/上限', '状态'].map((t) => h('th', {}, t)))),
        h('tbody', {}, r.agents.map((a) => h('tr', {},
          h('td', { 'data-label': '客服' }, `${a.name}(${a.agent_id})`),
          h('td', { 'data-label': '接入' }, a.total),
          h('td', { 'data-label': '当前接待/上限' }, h('div.load', {}, h('div.bar', {}, h('span', { style: { width: `${a.capacity ? Math.min(100, (100 * a.active_sessions) / a.capacity) : 100}%` } })),
            `${a.active_sessions}/${a.capacity}`)),
          h('td', { 'data-label': '状态' }, word(STATUS, a.status)))))),
      h('section.life', {}, lifecycle(life)));
  }
  load();
}
