// Traffic: handoffs over time (with fallbacks and unanswered ones), by
// entry, by agent with their current load, and by reason. A handoff is a
// chat that really reached a person or the waiting pool; views (quotes)
// and web-page link taps are counted apart and never count as handoffs.
import { h, clear, select } from './dom.js';
import { get } from './api.js';
import { lineChart, barChart } from './chart.js';

const REASON = { designated: '指定客服', rule: '规则', account_manager: '专属客服', sticky: '上次接待',
  group: '后备分组', global: '全局后备', none: '无人接待', link: '网页链接' };

export function statsView(root) {
  clear(root).appendChild(h('h2', {}, '流量统计'));
  const range = select('hours', [['1', '最近 1 小时'], ['6', '最近 6 小时'], ['24', '最近 24 小时'],
    ['168', '最近 7 天'], ['720', '最近 30 天']], '24', { 'aria-label': '时间范围' });
  const body = h('div.stats');
  root.append(h('p', {}, range), body);
  range.addEventListener('change', load);

  async function load() {
    clear(body);
    let r;
    try { r = await get(`stats?hours=${range.value}`); } catch (e) { body.append(h('p.error', {}, e.message)); return; }
    const total = r.entries.reduce((n, e) => n + e.total, 0);
    const fb = r.entries.reduce((n, e) => n + e.fallbacks, 0);
    const none = r.entries.reduce((n, e) => n + e.none, 0);
    const quotes = r.entries.reduce((n, e) => n + (e.quotes || 0), 0);
    const links = r.entries.reduce((n, e) => n + (e.link_taps || 0), 0);
    const pct = (n) => (total ? `${((100 * n) / total).toFixed(1)}%` : '—');
    body.append(
      h('div.kpis', {},
        h('div.kpi', {}, h('b', {}, total), '次接入'),
        h('div.kpi', {}, h('b', {}, pct(fb)), '转接率'),
        h('div.kpi', {}, h('b', {}, pct(none)), '无人接待'),
        h('div.kpi', {}, h('b', {}, quotes), '次查看'),
        h('div.kpi', {}, h('b', {}, links), '次打开网页')),
      h('p.hint', {}, '接入、转接率和无人接待只计真正接入的会话;按钮被查看(次查看)和网页入口的点击(次打开网页)另计。'),
      h('h3', {}, `按${r.bucket === 'minute' ? '分钟' : '小时'}的接入量`),
      lineChart(r.series.map((p) => ({ t: new Date(p.t), values: p })), [
        { key: 'total', label: '接入', cls: 'total' }, { key: 'fallbacks', label: '转接', cls: 'fallback' },
        { key: 'none', label: '无人接待', cls: 'none' }], { label: '接入量随时间变化' }),
      h('p.legend', {}, h('span.total', {}, '接入'), h('span.fallback', {}, '转接'), h('span.none', {}, '无人接待')),
      h('div.two', {},
        h('div', {}, h('h3', {}, '按入口'), barChart(r.entries.map((e) => ({ label: e.label || e.entry_id,
          value: e.total, note: e.link_taps ? `打开网页 ${e.link_taps}` : `${e.total}(转接 ${e.fallbacks})` })),
          { label: '按入口的接入量' })),
        h('div', {}, h('h3', {}, '按原因'), barChart(r.reasons.map((x) => ({ label: REASON[x.reason] || x.reason,
          value: x.total, cls: x.reason === 'none' ? 'none' : '' })), { label: '按原因的接入量' }))),
      h('h3', {}, '客服:接入量与当前负载'),
      h('table.grid', {}, h('thead', {}, h('tr', {}, ['客服', '接入', '当前接待/上限', '状态'].map((t) => h('th', {}, t)))),
        h('tbody', {}, r.agents.map((a) => h('tr', {}, h('td', {}, `${a.name}(${a.agent_id})`), h('td', {}, a.total),
          h('td', {}, h('div.load', {}, h('div.bar', {}, h('span', { style: { width: `${a.capacity ? Math.min(100, (100 * a.active_sessions) / a.capacity) : 100}%` } })),
            `${a.active_sessions}/${a.capacity}`)), h('td', {}, a.status))))));
  }
  load();
}
