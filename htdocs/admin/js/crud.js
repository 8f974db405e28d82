// One editable table per kind (entries, agents, groups): a form to add a
// row, inline edit with the row's version (a stale save comes back 409
// and shows the current row), delete with the server's reason when the
// row is still in use. Columns declare how each field is shown and edited.
import { h, clear, select } from './dom.js';
import { get, post, patch, del, ApiError } from './api.js';
import { flash, state } from './state.js';

// Column types: text, int, bool, select (options()), ids (ordered chips
// from options()). create: shown in the add form; fixed: not editable.
function input(col, value) {
  switch (col.type) {
    case 'int':
      return h('input', { name: col.key, type: 'number', value: value ?? '', step: 1 });
    case 'bool':
      return h('input', { name: col.key, type: 'checkbox', checked: value });
    case 'select':
      return select(col.key, col.options(), value ?? '');
    case 'ids':
      return idsPicker(col, value || []);
    case 'slots':
    case 'dates':
      return h('textarea', { name: col.key, rows: 3, placeholder: col.placeholder || '' },
        (value || []).map(col.type === 'slots' ? slotText : dateText).join('\n'));
    default:
      return h('input', { name: col.key, value: value ?? '', maxlength: col.max || 128,
        placeholder: col.placeholder || '' });
  }
}

// Opening hours and closed days as text lines: "周一 09:00-18:00",
// "2026-12-25 圣诞". A line that does not parse is sent as it is, and the
// server's message says what is wrong.
const DAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const lines = (t) => t.split('\n').map((x) => x.trim()).filter(Boolean);
const slotText = (x) => `${DAYS[x.weekday]} ${x.start}-${x.end}`;
const dateText = (x) => (x.note ? `${x.day} ${x.note}` : x.day);
function parseSlot(line) {
  const m = /^(\S+)\s+(\d\d:\d\d)\s*-\s*(\d\d:\d\d)$/.exec(line);
  if (!m) return { line };
  const d = DAYS.indexOf(m[1]);
  return { weekday: d >= 0 ? d : Number(m[1]), start: m[2], end: m[3] };
}
function parseDate(line) {
  const [day, ...note] = line.split(/\s+/);
  return note.length ? { day, note: note.join(' ') } : { day };
}

// Ordered ids as removable chips plus a select to add one.
function idsPicker(col, ids) {
  const chosen = [...ids];
  const box = h('div.ids', { dataset: { key: col.key } });
  const render = () => {
    clear(box);
    chosen.forEach((id, i) => box.appendChild(h('span.chip', {}, col.label_of ? col.label_of(id) : id,
      h('button', { type: 'button', class: 'chip-x', title: '移除', 'aria-label': `移除 ${id}`,
        onclick: () => { chosen.splice(i, 1); render(); } }, '×'))));
    const rest = col.options().filter(([v]) => v && !chosen.includes(v));
    box.appendChild(select(`${col.key}-add`, [['', '＋添加…'], ...rest], '', {
      'aria-label': `添加${col.label}`,
      onchange: (ev) => { if (ev.target.value) { chosen.push(ev.target.value); render(); } },
    }));
  };
  box.read = () => [...chosen];
  render();
  return box;
}

function readInput(col, el) {
  switch (col.type) {
    case 'int': return el.value === '' ? null : Number(el.value);
    case 'bool': return el.checked;
    case 'ids': return el.read();
    case 'slots': return lines(el.value).map(parseSlot);
    case 'dates': return lines(el.value).map(parseDate);
    case 'select': return el.value === '' ? (col.nullable ? null : '') : el.value;
    default: return el.value === '' && col.nullIfEmpty ? null : el.value;
  }
}

function show(col, item) {
  const v = item[col.key];
  if (col.show) return col.show(v, item);
  if (col.type === 'bool') return v ? '是' : '否';
  if (col.type === 'slots') return (v || []).map(slotText).join(';') || '全天';
  if (col.type === 'dates') return (v || []).map(dateText).join(';') || '—';
  if (col.type === 'ids') return (v || []).map((id) => (col.label_of ? col.label_of(id) : id)).join('、') || '—';
  if (col.type === 'select') {
    const o = col.options().find(([k]) => k === (v ?? ''));
    return o ? o[1] : (v ?? '—');
  }
  return v === null || v === undefined || v === '' ? '—' : String(v);
}

// Field errors from the server next to their inputs (or on the form).
function showErrors(container, err) {
  container.querySelectorAll('.field-error').forEach((e) => e.remove());
  const fields = (err instanceof ApiError && err.fields) || {};
  let placed = 0;
  for (const [key, msg] of Object.entries(fields)) {
    const target = container.querySelector(`[name="${CSS.escape(key)}"], [data-key="${CSS.escape(key)}"]`);
    const note = h('span.field-error', { role: 'alert' }, msg);
    if (target) { target.after(note); placed++; } else container.appendChild(h('div.field-error', { role: 'alert' }, `${key}:${msg}`));
  }
  if (!placed) flash(err.message, 'error');
}

export async function crudView(root, spec) {
  const { coll, title, columns } = spec;
  const key = spec.key || 'id';
  const canWrite = state.me.role === 'admin';
  clear(root).appendChild(h('h2', {}, title));
  if (spec.intro) root.appendChild(h('p.hint', {}, spec.intro));
  if (canWrite) root.appendChild(addForm(spec, () => reload()));
  const table = h('table.grid', { 'data-kind': coll });
  if (spec.tools) root.appendChild(spec.tools(() => reload()));
  root.appendChild(h('div.scroll', {}, table));

  async function reload() {
    let items;
    try { items = (await get(spec.query ? `${coll}?${spec.query()}` : coll)).items; } catch (e) { flash(e.message, 'error'); return; }
    if (spec.onItems) spec.onItems(items);
    clear(table).appendChild(h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c.label)), h('th', {}, ''))));
    const body = h('tbody');
    for (const it of items) body.appendChild(row(it));
    table.appendChild(body);
  }

  function row(item) {
    const tr = h('tr', { dataset: { id: item[key] } },
      columns.map((c) => h('td', { 'data-label': c.label }, show(c, item))),
      h('td.actions', {},
        canWrite && h('button', { type: 'button', onclick: () => edit(tr, item) }, '编辑'),
        canWrite && h('button.danger', { type: 'button', onclick: () => remove(item) }, '删除'),
        spec.extra && spec.extra(item)));
    return tr;
  }

  function edit(tr, item) {
    const inputs = {};
    const cells = columns.map((c) => {
      if (c.fixed || c.readonly) return h('td', { 'data-label': c.label }, show(c, item));
      inputs[c.key] = input(c, item[c.key]);
      return h('td', { 'data-label': c.label }, inputs[c.key]);
    });
    const save = async () => {
      const change = { version: item.version };
      for (const c of columns) {
        if (!inputs[c.key]) continue;
        const v = readInput(c, inputs[c.key]);
        if (JSON.stringify(v) !== JSON.stringify(item[c.key] ?? (c.type === 'ids' ? [] : null))) change[c.key] = v;
      }
      try {
        const r = await patch(`${coll}/${encodeURIComponent(item[key])}`, change);
        editing.replaceWith(row(r.item));
        flash('已保存');
      } catch (e) {
        if (e.status === 409 && e.code === 'conflict') {
          flash('这一行已被他人修改,已显示最新内容,请重新编辑', 'error');
          editing.replaceWith(row(e.body.current));
        } else showErrors(editing, e);
      }
    };
    const editing = h('tr.editing', { dataset: { id: item[key] } }, cells, h('td.actions', {},
      h('button.primary', { type: 'button', onclick: save }, '保存'),
      h('button', { type: 'button', onclick: () => editing.replaceWith(row(item)) }, '取消')));
    tr.replaceWith(editing);
  }

  async function remove(item) {
    if (!window.confirm(`删除 ${item[key]}?`)) return;
    try {
      await del(`${coll}/${encodeURIComponent(item[key])}?version=${item.version}`);
      flash('已删除');
      reload();
    } catch (e) {
      if (e.code === 'in_use') {
        const used = Object.entries(e.body.used_by || {}).filter(([, v]) => v)
          .map(([k, v]) => `${USED[k] || k}:${Array.isArray(v) ? v.join('、') : v}`).join(';');
        flash(`不能删除 ${item[key]}:仍被使用(${used})`, 'error');
      } else if (e.code === 'conflict') {
        flash('已被他人修改,已刷新', 'error');
        reload();
      } else flash(e.message, 'error');
    }
  }

  await reload();
  return { reload };
}

const USED = { entries: '入口', rules: '规则', groups: '分组', agents: '客服', customers: '客户的专属客服', config: '配置' };

function addForm(spec, done) {
  const cols = spec.columns.filter((c) => c.create !== false && !c.readonly);
  const inputs = {};
  const form = h('form.card.add', { 'aria-label': `新增${spec.noun}` },
    h('h3', {}, `新增${spec.noun}`),
    h('div.fields', {}, cols.map((c) => {
      inputs[c.key] = input(c, spec.defaults ? spec.defaults[c.key] : undefined);
      return h('label', {}, h('span', {}, c.label), inputs[c.key]);
    })),
    h('button.primary', { type: 'submit' }, '新增'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    for (const c of cols) {
      const v = readInput(c, inputs[c.key]);
      if (v === null || (v === '' && c.omitEmpty)) continue;
      body[c.key] = v;
    }
    try {
      await post(spec.coll, body);
      flash(`已新增 ${body[spec.key || 'id'] ?? ''}`);
      form.replaceWith(addForm(spec, done));
      done();
    } catch (e) { showErrors(form, e); }
  });
  return form;
}
