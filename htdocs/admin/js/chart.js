// Small SVG charts drawn by the page itself (nothing fetched from
// elsewhere): a multi-series line chart over time and horizontal bars.
const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// points: [{t: Date, values: {key: n}}]; series: [{key, label, cls}]
export function lineChart(points, series, { width = 720, height = 220, label = '' } = {}) {
  const pad = { l: 40, r: 12, t: 12, b: 28 };
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': label });
  const max = Math.max(1, ...points.flatMap((p) => series.map((x) => p.values[x.key] || 0)));
  const t0 = points.length ? points[0].t.getTime() : 0;
  const t1 = points.length ? points[points.length - 1].t.getTime() : 1;
  const X = (t) => pad.l + ((t - t0) / Math.max(1, t1 - t0)) * (width - pad.l - pad.r);
  const Y = (v) => height - pad.b - (v / max) * (height - pad.t - pad.b);
  for (const f of [0, 0.5, 1]) {
    const v = Math.round(max * f);
    svg.append(s('line', { x1: pad.l, x2: width - pad.r, y1: Y(v), y2: Y(v), class: 'gridline' }),
      s('text', { x: pad.l - 6, y: Y(v) + 4, class: 'axis', 'text-anchor': 'end' }, v));
  }
  if (points.length) {
    const fmt = (t) => new Date(t).toLocaleString('zh-CN', { hour12: false, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    svg.append(s('text', { x: pad.l, y: height - 8, class: 'axis' }, fmt(t0)),
      s('text', { x: width - pad.r, y: height - 8, class: 'axis', 'text-anchor': 'end' }, fmt(t1)));
  }
  for (const x of series) {
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${X(p.t.getTime()).toFixed(1)},${Y(p.values[x.key] || 0).toFixed(1)}`).join(' ');
    if (points.length > 1) svg.append(s('path', { d, class: `line ${x.cls}` }));
    for (const p of points.length === 1 ? points : []) svg.append(s('circle', { cx: X(p.t.getTime()), cy: Y(p.values[x.key] || 0), r: 3, class: `dot ${x.cls}` }));
  }
  return svg;
}

// rows: [{label, value, note}]
export function barChart(rows, { width = 480, label = '' } = {}) {
  const rowH = 24, labelW = 150;
  const height = Math.max(rowH, rows.length * rowH);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart bars', role: 'img', 'aria-label': label });
  const max = Math.max(1, ...rows.map((r) => r.value));
  rows.forEach((r, i) => {
    const y = i * rowH;
    const w = ((width - labelW - 60) * r.value) / max;
    svg.append(s('text', { x: labelW - 6, y: y + 16, class: 'axis', 'text-anchor': 'end' }, r.label),
      s('rect', { x: labelW, y: y + 4, width: Math.max(1, w), height: rowH - 8, class: `bar ${r.cls || ''}` }),
      s('text', { x: labelW + w + 6, y: y + 16, class: 'axis' }, r.note ?? r.value));
  });
  return svg;
}
