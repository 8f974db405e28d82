// Every change made here: who, when, and what changed (before -> after).
import { h, clear, fmtTime } from './dom.js';
import { get } from './api.js';

const ACTION = { create: '新增', update: '修改', delete: '删除', presence: '状态', login: '登录', logout: '退出' };

// The keys whose values differ, as "key: before -> after".
function diff(before, after) {
  if (!before && !after) return [];
  if (!before) return [`新增:${after.label || after.display_name || after.name || after.id}`];
  if (!after) return [`删除:${before.label || before.display_name || before.name || before.id}`];
  return Object.keys({ ...before, ...after })
    .filter((k) => !['version', 'updated_at', 'status_at'].includes(k))
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}:${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`);
}

export function auditView(root) {
  clear(root).appendChild(h('h2', {}, '操作记录'));
  const tbody = h('tbody');
  const more = h('button', { type: 'button' }, '更早的记录');
  root.append(h('div.scroll', {}, h('table.grid.audit', {},
    h('thead', {}, h('tr', {}, ['时间', '操作人', '操作', '对象', '变化'].map((t) => h('th', {}, t)))), tbody)), more);
  let before = null;

  async function load() {
    let items;
    try { items = (await get(`audit${before ? `?before=${before}` : ''}`)).items; } catch (e) {
      root.append(h('p.error', {}, e.message)); return;
    }
    for (const a of items) {
      tbody.appendChild(h('tr', {}, h('td', {}, fmtTime(a.at)), h('td', {}, a.username),
        h('td', {}, ACTION[a.action] || a.action), h('td', {}, `${a.kind} ${a.object_id}`),
        h('td', {}, diff(a.before, a.after).map((d) => h('div', {}, d)))));
    }
    if (items.length) before = items[items.length - 1].id;
    more.hidden = items.length < 100;
  }
  more.addEventListener('click', load);
  load();
}
