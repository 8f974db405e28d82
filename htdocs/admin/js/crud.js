// One editable table per kind (entries, agents, groups, rules, business
// hours): the table only shows; adding and editing happen in one dialog
// built from the same column specs, with 保存/取消 always on screen. An
// edit carries the row's version (a stale save comes back 409 and the
// dialog shows the current row); a delete of a row still in use says
// where it is used.
//
// Column spec: key, label, type (text, int, bool, tristate, select, time,
// tz, ids, week, closures, workdays; heading: a group's title, no
// value), required, max (characters), hint (text or
// fn(values)), when(values) (shown only then; off: the value sent when
// hidden), options(values) for selects, show(value, item) for the table;
// long: a table cell that may break anywhere (paths, addresses);
// dynamic: a select whose options follow the other values (disabled
// when there is one choice); fixed: not editable after creation; readonly: never edited; create:
// false: not asked when adding; table: false: not a table column; form:
// false: a table-only column; optional: sent only when not empty; na(item):
// the column means nothing for this row (shown as —).
// ref: one id picked by searching (search(q, values), label_of(id,
// values), source(values) when what is searched follows another field).
// The spec's nameKey (label, display_name, name) names a row in messages
// ("已新增客服 王小明(a1)"); numbered: rows go by number ("规则 #2").
// paged: the list comes 200 rows at a time (?after=, the answer's next)
// with 加载更多; search: a search box's placeholder (?q=); query(): more
// of the list's parameters; onItems(items): awaited before rows show
// (a view asks there for the names its rows show).
import { h, clear } from './dom.js';
import { get, post, patch, del, ApiError } from './api.js';
import { flash, clearFlash, state } from './state.js';
import { control, setOptions, chars, slotText, dateText, workdayText } from './fields.js';
import { PAGING } from './words.js';

function show(col, item) {
  const v = item[col.key];
  if (col.na && col.na(item)) return '—';
  if (col.show) return col.show(v, item);
  if (col.type === 'bool') return v ? '是' : '否';
  if (col.type === 'week') return (v || []).map(slotText).join(';') || '全天';
  if (col.type === 'closures') return (v || []).map(dateText).join(';') || '—';
  if (col.type === 'workdays') return (v || []).map(workdayText).join(';') || '—';
  if (col.type === 'ids') return (v || []).map((id) => (col.label_of ? col.label_of(id) : id)).join('、') || '—';
  if (col.type === 'ref') return v === null || v === undefined || v === '' ? '—' : (col.label_of ? col.label_of(v, item) : v);
  if (col.type === 'select') {
    const o = col.options(item).find(([k]) => k === (v ?? ''));
    return o ? o[1] : (v ?? '—');
  }
  return v === null || v === undefined || v === '' ? '—' : String(v);
}

// A row as a message names it: "王小明(a1)", "#2", or the key.
export function rowName(spec, item) {
  const id = item[spec.key || 'id'];
  if (spec.numbered) return `#${id}`;
  const n = spec.nameKey && item[spec.nameKey];
  return n && n !== id ? `${n}(${id})` : String(id ?? '');
}

const empty = (col) => (['ids', 'week', 'closures', 'workdays'].includes(col.type) ? [] : null);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export async function crudView(root, spec) {
  const { coll, title, columns } = spec;
  const key = spec.key || 'id';
  const canWrite = state.me.role === 'admin';
  clear(root).appendChild(h('h2', {}, title));
  if (spec.intro) root.appendChild(h('p.hint', {}, spec.intro));
  const table = h('table.grid', { 'data-kind': coll });
  if (canWrite) {
    root.appendChild(h('div.toolbar', {},
      h('button.primary', { type: 'button', onclick: () => editor(spec, null, reload) }, `新增${spec.noun}`)));
  }
  let q = '';
  if (spec.search) {
    const box = h('input', { name: 'q', type: 'search', placeholder: spec.search, 'aria-label': '查找' });
    // A change event comes again when the box loses focus: one search.
    box.addEventListener('change', () => {
      if (box.value.trim() === q) return;
      q = box.value.trim();
      reload();
    });
    root.appendChild(h('div.toolbar.search', {}, box));
  }
  if (spec.tools) root.appendChild(spec.tools(() => reload()));
  root.appendChild(h('div.scroll', {}, table));
  const more = h('button.more', { type: 'button', hidden: true, onclick: () => load(false) }, PAGING.more);
  const count = h('span.hint.count');
  if (spec.paged) root.appendChild(h('div.toolbar.paging', {}, more, count));
  const listed = columns.filter((c) => c.table !== false);
  let next = null;
  let shown = 0;
  // Only the latest load is shown: a search typed while a page was on
  // its way wins.
  let asked = 0;

  const reload = () => load(true);
  async function load(fresh) {
    const mine = ++asked;
    const params = new URLSearchParams(spec.query ? spec.query() : '');
    if (q) params.set('q', q);
    if (!fresh && next !== null) params.set('after', next);
    const path = params.toString() ? `${coll}?${params}` : coll;
    let r;
    try {
      r = await get(path);
      if (spec.onItems) await spec.onItems(r.items);
    } catch (e) { flash(e.message, 'error'); return; }
    if (mine !== asked) return;
    const items = r.items;
    let body = table.querySelector('tbody');
    if (fresh || !body) {
      clear(table).appendChild(h('thead', {}, h('tr', {}, listed.map((c) => h('th', {}, c.label)), h('th', {}, ''))));
      body = h('tbody');
      table.appendChild(body);
      shown = 0;
    }
    for (const it of items) body.appendChild(row(it));
    shown += items.length;
    if (!shown) {
      body.appendChild(h('tr.empty', {}, h('td', { colspan: listed.length + 1 },
        q || (spec.query && spec.query()) ? `没有符合条件的${spec.noun}` : `暂无${spec.noun}`)));
    }
    next = spec.paged ? (r.next ?? null) : null;
    more.hidden = next === null;
    count.textContent = spec.paged && shown ? PAGING.shown(shown, next !== null) : '';
  }

  function row(item) {
    return h('tr', { dataset: { id: item[key] } },
      listed.map((c) => h(c.long ? 'td.long' : 'td', { 'data-label': c.label }, show(c, item))),
      h('td.actions', {},
        canWrite && h('button', { type: 'button', onclick: () => editor(spec, item, reload) }, '编辑'),
        canWrite && h('button.danger', { type: 'button', onclick: () => remove(item) }, '删除'),
        spec.extra && spec.extra(item)));
  }

  async function remove(item) {
    clearFlash();
    const name = rowName(spec, item);
    if (!window.confirm(`删除${spec.noun} ${name}?`)) return;
    try {
      await del(`${coll}/${encodeURIComponent(item[key])}?version=${item.version}`);
      flash(`已删除${spec.noun} ${name}`);
      reload();
    } catch (e) {
      if (e.code === 'in_use') {
        const used = Object.entries(e.body.used_by || {}).filter(([, v]) => v)
          .map(([k, v]) => `${USED[k] || k}:${Array.isArray(v) ? v.join('、') : v}`).join(';');
        flash(`不能删除${spec.noun} ${name}:仍被使用(${used})`, 'error');
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

// The add/edit dialog. item null: a new row (spec.defaults filled in).
// note: a message to show at once (the current row after a conflict).
function editor(spec, item, done, note) {
  clearFlash();
  document.querySelectorAll('dialog.editor').forEach((d) => d.remove());
  const key = spec.key || 'id';
  const adding = item === null;
  const cols = spec.columns.filter((c) => c.form !== false && !c.readonly && (!adding || c.create !== false));
  const defaults = spec.defaults || {};
  const start = adding ? defaults : item;
  // A field the row does not use yet (a rule's time window while it
  // tests a level) starts from the default, ready if the kind changes.
  const initial = (c) => (adding ? defaults[c.key] : (item[c.key] ?? (c.when ? defaults[c.key] : item[c.key])));
  // Pickers ask the values while the fields are still being made.
  let made = false;
  const current = () => (made ? values() : { ...start });
  const fields = cols.map((c) => {
    if (c.type === 'heading') {
      const hint = h('small.hint');
      return { col: c, el: null, hint, err: h('span'), heading: true, fixed: true,
        wrap: h('div.field.wide.group-head', { dataset: { group: c.key } }, h('h4', {}, c.label), hint) };
    }
    const fixed = !adding && c.fixed;
    const ph = typeof c.placeholder === 'function' ? c.placeholder(start) : c.placeholder;
    const el = fixed ? h('output', { name: c.key }, show(c, item)) : control({ ...c, placeholder: ph }, initial(c), current);
    const hint = h('small.hint');
    const err = h('span.field-error', { role: 'alert', dataset: { for: c.key } });
    const wrap = h(c.type === 'week' || c.type === 'closures' || c.type === 'workdays' || c.type === 'ids' ? 'div.field.wide'
      : c.type === 'ref' ? 'div.field' : 'label.field',
      { dataset: { field: c.key } },
      h('span.label', {}, c.label, c.required && !fixed && h('b.req', { 'aria-hidden': 'true' }, ' *')), el, hint, err);
    if (c.type === 'select' && !fixed) setOptions(el, c.options(start), initial(c) ?? '', c.dynamic);
    return { col: c, el, hint, err, wrap, fixed };
  });
  made = true;
  const formError = h('p.form-error', { role: 'alert' });
  const values = () => {
    const v = { ...start };
    for (const f of fields) if (!f.fixed) v[f.col.key] = f.el.read();
    return v;
  };
  // Which fields apply, which options a select offers, and the hints,
  // all follow the values entered so far (in column order, so a change
  // of kind settles the target type before the target).
  const refresh = () => {
    for (const f of fields) {
      const v = values();
      f.wrap.hidden = Boolean(f.col.when && !f.col.when(v));
      if (f.col.type === 'select' && !f.fixed && f.col.dynamic) setOptions(f.el, f.col.options(v), undefined, true);
      if (f.el && f.el.sync && !f.fixed) f.el.sync(v);
      const hint = typeof f.col.hint === 'function' ? f.col.hint(v) : f.col.hint;
      const length = f.col.type === undefined || f.col.type === 'text' ? `最多 ${f.col.max || 128} 个字` : '';
      f.hint.textContent = f.fixed && !f.heading ? '' : [hint, length].filter(Boolean).join(';');
    }
  };
  const title = adding ? `新增${spec.noun}` : `编辑${spec.noun} ${item[key]}`;
  const form = h('form.editor-form', { novalidate: true },
    h('header.editor-head', {}, h('h3', {}, title),
      h('button.chip-x', { type: 'button', 'aria-label': '关闭', title: '关闭', onclick: () => dialog.close() }, '×')),
    h('div.editor-body', {}, h('div.editor-fields', {}, fields.map((f) => f.wrap))),
    h('footer.editor-foot', {}, formError,
      h('div.buttons', {},
        h('button.primary', { type: 'submit' }, adding ? '新增' : '保存'),
        h('button', { type: 'button', onclick: () => dialog.close() }, '取消'))));
  const dialog = h('dialog.editor', { 'aria-label': title, dataset: { kind: spec.coll, id: adding ? '' : item[key] } }, form);
  form.addEventListener('input', refresh);
  form.addEventListener('change', refresh);
  form.addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.appendChild(dialog);
  refresh();
  if (note) formError.textContent = note;
  dialog.showModal();

  function clearErrors() {
    formError.textContent = '';
    for (const f of fields) { f.err.textContent = ''; f.wrap.classList.remove('invalid'); }
  }
  function fieldError(name, msg) {
    const f = fields.find((x) => x.col.key === name) || fields.find((x) => name.startsWith(x.col.key));
    if (!f || f.wrap.hidden) return false;
    f.err.textContent = msg;
    f.wrap.classList.add('invalid');
    return true;
  }
  // What the operator can be told before anything is sent.
  function checkLocally(v) {
    let bad = 0;
    for (const f of fields) {
      if (f.fixed || f.wrap.hidden) continue;
      const x = v[f.col.key];
      let msg = null;
      if (f.col.required && (x === null || x === '' || (Array.isArray(x) && !x.length))) msg = '必填';
      else if (typeof x === 'string' && f.col.max && chars(x) > f.col.max) msg = `最多 ${f.col.max} 个字`;
      else if (f.el.check) msg = f.el.check();
      if (msg) { fieldError(f.col.key, msg); bad++; }
    }
    return bad;
  }

  async function submit() {
    clearErrors();
    clearFlash();
    const v = values();
    if (checkLocally(v)) {
      formError.textContent = '请先改正标出的项';
      const first = fields.find((f) => f.err.textContent);
      (first.el.querySelector ? first.el.querySelector('input,select') || first.el : first.el).focus?.();
      return;
    }
    const body = adding ? {} : { version: item.version };
    for (const f of fields) {
      if (f.fixed) continue;
      const c = f.col;
      let x = v[c.key];
      if (f.wrap.hidden) {
        if (!('off' in c)) continue;
        x = c.off;
      }
      if (adding) {
        if (x === null || (c.optional && (x === '' || (Array.isArray(x) && !x.length)))) continue;
        body[c.key] = x;
      } else if (!same(x, item[c.key] ?? empty(c))) {
        // A field the server has not answered (optional and unknown to
        // it) is sent only when the operator entered something.
        if (c.optional && item[c.key] === undefined && (x === '' || x === null || (Array.isArray(x) && !x.length))) continue;
        body[c.key] = x;
      }
    }
    // Nothing changed: nothing to save, and nothing for the audit log.
    if (!adding && Object.keys(body).every((k) => k === 'version')) {
      dialog.close();
      flash(`${spec.noun} ${rowName(spec, item)} 没有改动`);
      return;
    }
    const saveButton = form.querySelector('button[type=submit]');
    saveButton.disabled = true;
    try {
      if (adding) {
        const r = await post(spec.coll, body);
        dialog.close();
        flash(`已新增${spec.noun} ${rowName(spec, { ...body, ...(r.item || {}) })}`);
      } else {
        const r = await patch(`${spec.coll}/${encodeURIComponent(item[key])}`, body);
        dialog.close();
        flash(`已保存${spec.noun} ${rowName(spec, { ...item, ...body, ...(r.item || {}) })}`);
      }
      done();
    } catch (e) {
      saveButton.disabled = false;
      if (!adding && e.status === 409 && e.code === 'conflict' && e.body.current) {
        dialog.close();
        done();
        editor(spec, e.body.current, done, '这一行已被他人修改,下面是最新内容,请重新修改后保存');
        return;
      }
      const fieldsErr = (e instanceof ApiError && e.fields) || {};
      const unplaced = Object.entries(fieldsErr).filter(([k, msg]) => !fieldError(k, msg));
      formError.textContent = unplaced.length
        ? unplaced.map(([k, msg]) => `${cols.find((c) => c.key === k)?.label || k}:${msg}`).join(';')
        : (Object.keys(fieldsErr).length ? '请先改正标出的项' : e.message);
    }
  }
}
