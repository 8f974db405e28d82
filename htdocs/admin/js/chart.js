// Small SVG charts drawn by the page itself (nothing fetched from
// elsewhere): a multi-series line chart over time and horizontal bars.
//
// Each chart is drawn at its box's real pixel width (and drawn again
// when the box changes width), never a fixed-width drawing scaled down:
// so its text keeps the size the style sheet gives it, also on a phone.
const NS = 'http://www.w3.org/2000/svg';
const CHAR_W = 7;	// rough width of a digit at the axis font size (px)

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// A box that holds draw(width)'s SVG, redrawn when its width changes.
function responsive(cls, draw) {
  const box = document.createElement('div');
  box.className = `chart-box ${cls}`;
  let drawn = 0;
  new ResizeObserver(() => {
    const w = Math.floor(box.clientWidth);
    if (w > 0 && w !== drawn) {
      drawn = w;
      box.replaceChildren(draw(w));
    }
  }).observe(box);
  return box;
}

const pad2 = (n) => String(n).padStart(2, '0');
export const hhmm = (t) => { const d = new Date(t); return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`; };
export const monthDay = (t) => { const d = new Date(t); return `${d.getMonth() + 1}月${d.getDate()}日`; };

const MIN = 60000, HOUR = 60 * MIN, DAY = 24 * HOUR;
const STEPS = [MIN, 5 * MIN, 10 * MIN, 15 * MIN, 20 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR,
  4 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 3 * DAY, 5 * DAY, 7 * DAY, 10 * DAY, 15 * DAY];

// Time ticks over [t0, t1] (ms): local-time aligned, as many as fit in
// `room` px, each label once. Up to a day they read HH:MM, beyond M月D日.
function timeTicks(t0, t1, room) {
  const days = t1 - t0 > DAY + HOUR;
  const fmt = days ? monthDay : hhmm;
  const labelW = days ? 76 : 64;	// a label and the gap after it
  const fit = Math.max(2, Math.floor(room / labelW));
  const kind = STEPS.filter((st) => (days ? st >= DAY : st < DAY));
  const step = kind.find((st) => Math.floor((t1 - t0) / st) + 1 <= fit) || kind[kind.length - 1];
  // Align to local time: whole steps since the local epoch, or whole
  // days from the first local midnight.
  const off = (t) => new Date(t).getTimezoneOffset() * MIN;
  let t = Math.ceil((t0 - off(t0)) / step) * step + off(t0);
  const next = (x) => {
    if (!days) return x + step;
    const d = new Date(x);
    d.setDate(d.getDate() + step / DAY);
    return d.getTime();
  };
  if (days) {
    const d = new Date(t0);
    d.setHours(0, 0, 0, 0);
    if (d.getTime() < t0) d.setDate(d.getDate() + 1);
    t = d.getTime();
  }
  const all = [];
  for (; t <= t1; t = next(t)) all.push({ t, label: fmt(t) });
  // A label that comes again (24 hours apart: both ends of a day) is
  // kept where it is the latest.
  const seen = new Set();
  return all.reverse().filter((x) => !seen.has(x.label) && seen.add(x.label)).reverse();
}

// Integer ticks 0..top with a step of 1, 2 or 5 times a power of ten,
// at most five of them above zero.
function countTicks(max) {
  let step = 0;
  for (let k = 1; !step; k *= 10) step = ([1, 2, 5].find((f) => max / (f * k) <= 4) || 0) * k;
  const top = Math.max(step, Math.ceil(max / step) * step);
  const out = [];
  for (let v = 0; v <= top; v += step) out.push(v);
  return out;
}

// Rough width of a label at the axis font size (px).
const textW = (l) => [...String(l)].reduce((n, c) => n + (c.charCodeAt(0) > 255 ? 12 : CHAR_W), 0);

// points: [{t: ms, values: {key: n}}], one per bucket, in time order (the
// caller fills empty buckets with zeros); series: [{key, label, cls}];
// tip(point) is the bucket's tooltip.
export function lineChart(points, series, { height = 220, label = '', tip } = {}) {
  return responsive('line-chart', (width) => {
    const max = Math.max(0, ...points.flatMap((p) => series.map((x) => p.values[x.key] || 0)));
    const yt = countTicks(max);
    const top = yt[yt.length - 1];
    const pad = { l: 14 + CHAR_W * String(top).length, r: 16, t: 12, b: 26 };
    const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': label });
    const plotW = width - pad.l - pad.r;
    const t0 = points.length ? points[0].t : 0;
    const t1 = points.length ? points[points.length - 1].t : 1;
    const X = (t) => pad.l + (t1 > t0 ? ((t - t0) / (t1 - t0)) * plotW : plotW / 2);
    const Y = (v) => height - pad.b - (v / top) * (height - pad.t - pad.b);
    for (const v of yt) {
      svg.append(s('line', { x1: pad.l, x2: width - pad.r, y1: Y(v), y2: Y(v), class: v ? 'gridline' : 'baseline' }),
        s('text', { x: pad.l - 6, y: Y(v) + 4, class: 'axis y', 'text-anchor': 'end' }, v));
    }
    if (points.length) {
      for (const { t, label: l } of timeTicks(t0, t1, plotW)) {
        const x = X(t);
        const half = textW(l) / 2;
        const anchor = x - half < 0 ? 'start' : x + half > width ? 'end' : 'middle';
        svg.append(s('line', { x1: x, x2: x, y1: height - pad.b, y2: height - pad.b + 4, class: 'tick' }),
          s('text', { x: anchor === 'start' ? 0 : anchor === 'end' ? width : x, y: height - 8, class: 'axis x', 'text-anchor': anchor }, l));
      }
    }
    // In the series' order: the first (the total, the largest) at the
    // bottom, the parts of it (fallbacks, unanswered ones) over it, so a
    // part equal to the total still shows (its line is dashed: CSS).
    for (const x of series) {
      const d = points.map((p, i) => `${i ? 'L' : 'M'}${X(p.t).toFixed(1)},${Y(p.values[x.key] || 0).toFixed(1)}`).join(' ');
      if (points.length > 1) svg.append(s('path', { d, class: `line ${x.cls}`, 'data-key': x.key }));
    }
    // A dot where a series has something (or at the only bucket), drawn
    // over all lines, the later series' smaller dots on top.
    for (const x of series) {
      for (const p of points) {
        if (points.length > 1 && !(p.values[x.key] > 0)) continue;
        svg.append(s('circle', { cx: X(p.t), cy: Y(p.values[x.key] || 0), r: x.r || 3, class: `dot ${x.cls}` }));
      }
    }
    // One hover strip per bucket, with its numbers as the title.
    if (tip) {
      const w = points.length > 1 ? plotW / (points.length - 1) : plotW;
      for (const p of points) {
        const r = s('rect', { x: Math.max(pad.l, X(p.t) - w / 2), y: pad.t, width: w, height: height - pad.t - pad.b, class: 'hit' });
        r.append(s('title', {}, tip(p)));
        svg.append(r);
      }
    }
    return svg;
  });
}

// rows: [{label, value, note, cls}]
export function barChart(rows, { label = '' } = {}) {
  return responsive('bar-chart', (width) => {
    const rowH = 26;
    const labelW = Math.min(160, Math.round(width * 0.34));
    // Room for the longest note ("3(转接 0,无人接待 1)"), up to 45%.
    const noteW = Math.min(Math.round(width * 0.45), Math.max(48, ...rows.map((r) => textW(r.note ?? r.value) + 10)));
    const height = Math.max(rowH, rows.length * rowH);
    const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart bars', role: 'img', 'aria-label': label });
    const max = Math.max(1, ...rows.map((r) => r.value));
    rows.forEach((r, i) => {
      const y = i * rowH;
      const w = ((width - labelW - noteW - 8) * r.value) / max;
      const bar = s('rect', { x: labelW, y: y + 5, width: Math.max(1, w), height: rowH - 10, class: `bar ${r.cls || ''}` });
      bar.append(s('title', {}, `${r.label}:${r.note ?? r.value}`));
      svg.append(s('text', { x: labelW - 6, y: y + 17, class: 'axis', 'text-anchor': 'end' }, r.label),
        bar, s('text', { x: labelW + w + 6, y: y + 17, class: 'axis' }, r.note ?? r.value));
    });
    return svg;
  });
}

// Horizontal bars, a bar per series in each row (p50 over p90, say).
// rows: [{label, values: {key: n or null}}]; series: [{key, label, cls}];
// note(n) is the text at a bar's end (null: no bar, the note alone).
export function groupedBarChart(rows, series, { label = '', note = String } = {}) {
  return responsive('bar-chart grouped', (width) => {
    const barH = 14, gap = 4, rowH = series.length * (barH + gap) + 12;
    const labelW = Math.min(160, Math.round(width * 0.3));
    const notes = rows.flatMap((r) => series.map((x) => note(r.values[x.key])));
    const noteW = Math.min(Math.round(width * 0.4), Math.max(48, ...notes.map((n) => textW(n) + 10)));
    const height = Math.max(rowH, rows.length * rowH);
    const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart bars', role: 'img', 'aria-label': label });
    const max = Math.max(1, ...rows.flatMap((r) => series.map((x) => Number(r.values[x.key]) || 0)));
    rows.forEach((r, i) => {
      const y0 = i * rowH + 6;
      svg.append(s('text', { x: labelW - 6, y: y0 + (rowH - 12) / 2 + 4, class: 'axis', 'text-anchor': 'end' }, r.label));
      series.forEach((x, k) => {
        const v = r.values[x.key];
        const y = y0 + k * (barH + gap);
        const w = v === null || v === undefined ? 0 : Math.max(1, ((width - labelW - noteW - 8) * Number(v)) / max);
        const bar = s('rect', { x: labelW, y, width: w, height: barH, class: `bar ${x.cls}` });
        bar.append(s('title', {}, `${r.label} ${x.label}:${note(v)}`));
        svg.append(bar, s('text', { x: labelW + w + 6, y: y + barH - 3, class: 'axis' }, note(v)));
      });
    });
    return svg;
  });
}
