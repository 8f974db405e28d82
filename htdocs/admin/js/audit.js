// The audit log as a log book: who (an operator, or "命令行 <OS user>"
// for kfctl), when (local time), what (the object by its Chinese kind and
// its name) and each changed field as "字段: 旧 → 新", in the words of
// words.js. Filters by operator, kind and days; 100 rows a page.
import { h, clear, fmtTime, select } from './dom.js';
import { get } from './api.js';
import { state, agentName, entryName, resolve } from './state.js';
import { ACTION, KIND, LIFE, STEP, VALUE, VIA, WECOM_SYNC, fieldName, lifeText, valueTable, word } from './words.js';

// Bookkeeping the server moves on its own: not a change anyone made.
const QUIET = new Set(['version', 'updated_at', 'status_at', 'active_sessions', 'created_at', 'last_login']);
// Per kind: what says nothing to a reader (a sync request's age and its
// requester, who is the row's 操作人 already).
const QUIET_OF = { wecom: new Set(['age_s', 'requested_by', 'id']) };
const WEEKDAY = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

const byId = (list, id, name) => {
  const x = list.find((o) => o.id === id);
  return x && x[name] ? `${x[name]}(${id})` : id;
};
// Agents and entries by the names resolve() found for the rows shown.
const NAMED = {
  agent_id: agentName,
  account_manager_id: agentName,
  agents: agentName,
  members: agentName,
  fallback_group_id: (v) => byId(state.groups, v, 'name'),
  schedule_id: (v) => byId(state.schedules, v, 'name'),
  entry_id: entryName,
};

// Minutes after midnight as HH:MM (a window may end at 24:00).
const clock = (v) => {
  const m = Number(v);
  if (!Number.isFinite(m)) return String(v);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

// One value as words: names for ids and codes, 是/否, lists with 、.
function show(key, v, row, kind) {
  if (kind === 'entry' && LIFE[key]) return lifeText(key, v);
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (Array.isArray(v)) return v.length ? v.map((x) => show(key, x, row, kind)).join('、') : '(无)';
  if (typeof v === 'object') {
    if ('weekday' in v) return `${WEEKDAY[v.weekday] || ''} ${v.start || ''}-${v.end || ''}`.trim();
    if ('day' in v) {
      // A make-up working day has its hours; a closed day has none.
      const day = 'start' in v ? `${v.day} ${v.start || ''}-${v.end || ''}` : String(v.day);
      return v.note ? `${day}(${v.note})` : day;
    }
    return Object.values(v).map((x) => show('', x, row)).join(' ');
  }
  if (key === 'decision_order') return String(v).split(',').map((x) => word(STEP, x.trim())).join('、');
  if (kind === 'rule' && (key === 'window_start' || key === 'window_end')) return clock(v);
  const table = kind ? valueTable(kind, key) : VALUE[key];
  if (table) return word(table, v);
  if (/_at$/.test(key) && typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return fmtTime(v);
  if (key === 'target_id' && row) {
    if (row.target_type === 'agent') return NAMED.agent_id(v);
    if (row.target_type === 'group') return NAMED.fallback_group_id(v);
  }
  if (NAMED[key]) return NAMED[key](String(v));
  return String(v);
}

// The names of the agents and entries a page of changes mentions.
async function resolveNames(items) {
  const agents = [];
  const entries = [];
  for (const a of items) {
    for (const r of [a.before, a.after]) {
      if (!r || typeof r !== 'object') continue;
      for (const k of ['agent_id', 'account_manager_id', 'agents', 'members']) agents.push(...[r[k]].flat());
      if (r.target_type === 'agent') agents.push(r.target_id);
      if (a.kind !== 'entry') entries.push(r.entry_id);
    }
  }
  const ids = (xs) => xs.filter((x) => typeof x === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(x));
  await Promise.all([resolve('agents', ids(agents)), resolve('entries', ids(entries))]);
}

// "字段: 旧 → 新" for each field that changed; "字段: 值" for a new row.
function changes(a) {
  const b = a.before && typeof a.before === 'object' ? a.before : null;
  const f = a.after && typeof a.after === 'object' ? a.after : null;
  if (a.action === 'passwd') return ['密码已重设(新密码不记录)'];
  if (a.kind === 'session') return [];
  if (!b && !f) return [];
  if (b && !f) return [`已删除${a.object_name ? `:${a.object_name}` : ''}`];
  const quiet = QUIET_OF[a.kind];
  const keys = Object.keys({ ...(b || {}), ...f }).filter((k) => !QUIET.has(k) && !(quiet && quiet.has(k))
    && relevant(a.kind, k, b, f));
  if (!b) {
    return keys.filter((k) => k !== 'id' && f[k] !== null && f[k] !== '' && !(Array.isArray(f[k]) && !f[k].length))
      .map((k) => `${fieldName(a.kind, k)}:${show(k, f[k], f, a.kind)}`);
  }
  const out = keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(f[k]))
    .map((k) => `${fieldName(a.kind, k)}:${show(k, b[k], b, a.kind)} → ${show(k, f[k], f, a.kind)}`);
  return out.length ? out : ['没有字段变化'];
}

// A field that means nothing for this row: a rule's group strategy when
// it hands to no group; a sync request's error code 0.
function relevant(kind, k, b, f) {
  const rows = [b, f].filter(Boolean);
  if (kind === 'rule' && k === 'strategy') return rows.some((r) => r.target_type === 'group');
  if (kind === 'wecom' && k === 'errcode') return rows.some((r) => r.errcode);
  return true;
}

function who(a) {
  if (a.via === 'kfctl') return `命令行 ${a.username}`;
  if (a.via === 'worker') return VIA.worker;
  return a.username;
}

function what(a) {
  if (a.kind === 'session') return a.action === 'login' ? '登录管理页面' : a.action === 'logout' ? '退出管理页面' : '登录';
  if (a.kind === 'wecom') {
    if (WECOM_SYNC[a.object_id]) return `${KIND.wecom} ${WECOM_SYNC[a.object_id]}`;
    return /^\d+$/.test(a.object_id || '') ? `${KIND.wecom} 同步请求 #${a.object_id}` : KIND.wecom;
  }
  const kind = word(KIND, a.kind);
  const name = a.object_name && a.object_name !== a.object_id ? `${a.object_name}(${a.object_id})` : a.object_id;
  return name ? `${kind} ${name}` : kind;
}

export async function auditView(root) {
  clear(root).appendChild(h('h2', {}, '操作记录'));
  // The operator's name, typed (kfctl's rows go by the OS user); admins
  // get the operators as suggestions.
  let names = [];
  if (state.me.role === 'admin') {
    try { names = (await get('operators')).items.map((o) => o.username); } catch { names = []; }
  }
  const form = h('form.fields.audit-filter', {},
    h('label', {}, '操作人', h('input', { name: 'user', maxlength: 64, placeholder: '全部', autocomplete: 'off',
      list: names.length ? 'audit-users' : null }),
    names.length && h('datalist', { id: 'audit-users' }, names.map((n) => h('option', { value: n })))),
    h('label', {}, '对象类型', select('kind', [['', '全部'], ...Object.entries(KIND)], '')),
    h('label', {}, '从', h('input', { name: 'from', type: 'date' })),
    h('label', {}, '到', h('input', { name: 'to', type: 'date' })),
    h('label', {}, '\u00a0', h('button.primary', { type: 'submit' }, '查询')));
  const note = h('p.hint', {}, '日期按服务器设定的时区计算,含首尾两天;时间按本机时区显示。');
  const error = h('p.error', { role: 'alert' });
  const tbody = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, '更早的记录');
  const empty = h('p.hint', { hidden: true }, '没有符合条件的记录。');
  root.append(form, note, error, h('div.scroll', {}, h('table.grid.audit', {},
    h('thead', {}, h('tr', {}, ['时间', '操作人', '操作', '对象', '变化'].map((t) => h('th', {}, t)))), tbody)),
  empty, more);
  let before = null;

  function query() {
    const q = new URLSearchParams();
    for (const k of ['user', 'kind', 'from', 'to']) {
      let v = form.elements[k].value.trim();
      // The table shows kfctl's rows as "命令行 <OS user>": the same
      // words typed back mean that user.
      if (k === 'user') v = v.replace(new RegExp(`^${VIA.kfctl}\\s*`), '').trim();
      if (v) q.set(k, v);
    }
    if (before) q.set('before', before);
    const s = q.toString();
    return s ? `audit?${s}` : 'audit';
  }

  async function load() {
    let items;
    error.textContent = '';
    try { items = (await get(query())).items; } catch (e) {
      error.textContent = Object.values(e.fields || {}).join(';') || e.message;
      return;
    }
    await resolveNames(items);
    for (const a of items) {
      tbody.appendChild(h('tr', { dataset: { id: a.id } },
        h('td', { 'data-label': '时间' }, fmtTime(a.at)),
        h('td', { 'data-label': '操作人' }, who(a)),
        h('td', { 'data-label': '操作' }, word(ACTION, a.action)),
        h('td', { 'data-label': '对象' }, what(a)),
        h('td.changes', {}, changes(a).map((d) => h('div', {}, d)))));
    }
    if (items.length) before = items[items.length - 1].id;
    more.hidden = items.length < 100;
    empty.hidden = tbody.children.length > 0;
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    before = null;
    clear(tbody);
    load();
  });
  more.addEventListener('click', load);
  await load();
}
