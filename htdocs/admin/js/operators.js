// Operators of this page (admins only): add one, change a role, reset a
// password, disable or enable. A password made by the server is shown
// once, with a copy button; nothing keeps it.
import { h, clear, fmtTime, select } from './dom.js';
import { get, post, patch } from './api.js';
import { state, flash } from './state.js';
import { ROLE } from './words.js';

const ROLES = Object.entries(ROLE);

export async function operatorsView(root) {
  clear(root).appendChild(h('h2', {}, '操作员'));
  if (state.me.role !== 'admin') {
    root.appendChild(h('p.error', { role: 'alert' }, '只有管理员可以管理操作员'));
    return;
  }
  root.appendChild(h('p.hint', {}, '停用的操作员立即退出且不能登录;重设密码会让该操作员在别处的登录失效。'));
  const shown = h('div.card.newpw', { hidden: true, role: 'status' });
  const form = h('form.card.add', {},
    h('h3', {}, '添加操作员'),
    h('div.fields', {},
      h('label', {}, '用户名', h('input', { name: 'username', required: true, maxlength: 64, autocomplete: 'off' }),
        h('span.field-error', { dataset: { for: 'username' } })),
      h('label', {}, '角色', select('role', ROLES, 'viewer'), h('span.field-error', { dataset: { for: 'role' } })),
      h('label', {}, '密码', h('input', { name: 'password', type: 'password', maxlength: 256,
        autocomplete: 'new-password', placeholder: '留空则自动生成' }),
      h('span.field-error', { dataset: { for: 'password' } }))),
    h('button.primary', { type: 'submit' }, '添加'));
  const tbody = h('tbody');
  root.append(shown, form, h('div.scroll', {}, h('table.grid.operators', {},
    h('thead', {}, h('tr', {}, ['用户名', '角色', '状态', '创建时间', '最近登录', '操作'].map((t) => h('th', {}, t)))),
    tbody)));

  // The new password, once: the operator copies it and passes it on.
  function showPassword(name, pw) {
    const code = h('code.pw', {}, pw);
    const copy = h('button', { type: 'button' }, '复制');
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(pw);
        copy.textContent = '已复制';
      } catch {
        // No clipboard (plain http): select it for Ctrl+C.
        const range = document.createRange();
        range.selectNodeContents(code);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        copy.textContent = '已选中,请按 Ctrl+C';
      }
    });
    const done = h('button', { type: 'button' }, '我已记下');
    done.addEventListener('click', () => { clear(shown); shown.hidden = true; });
    clear(shown).append(h('p', {}, `${name} 的新密码(只显示这一次,请复制后转交):`),
      h('p', {}, code, ' ', copy, ' ', done));
    shown.hidden = false;
  }

  async function refresh() {
    const items = (await get('operators')).items;
    clear(tbody);
    for (const o of items) tbody.appendChild(row(o));
  }

  function row(o) {
    const self = o.username === state.me.username;
    const role = select('role', ROLES, o.role, { disabled: self, 'aria-label': `${o.username} 的角色` });
    role.addEventListener('change', () => change(o, { role: role.value }, `${o.username} 的角色已改为${ROLE[role.value]}`));
    return h('tr', { dataset: { name: o.username }, class: o.disabled ? 'off' : null },
      h('td', { 'data-label': '用户名' }, o.username, self ? '(我)' : ''),
      h('td', { 'data-label': '角色' }, role),
      h('td', { 'data-label': '状态' }, o.disabled ? '已停用' : '正常'),
      h('td', { 'data-label': '创建时间' }, fmtTime(o.created_at) || '—'),
      h('td', { 'data-label': '最近登录' }, fmtTime(o.last_login) || '从未登录'),
      h('td.actions', {},
        h('button', { type: 'button', onclick: () => reset(o) }, '重设密码'),
        !self && h(o.disabled ? 'button' : 'button.danger', { type: 'button',
          onclick: () => change(o, { disabled: !o.disabled }, `${o.username} 已${o.disabled ? '启用' : '停用'}`,
            o.disabled ? null : `停用 ${o.username}?其登录会立即失效。`) }, o.disabled ? '启用' : '停用')));
  }

  async function change(o, body, done, ask) {
    if (ask && !window.confirm(ask)) return;
    try {
      await patch(`operators/${encodeURIComponent(o.username)}`, body);
      flash(done);
    } catch (e) { flash(Object.values(e.fields || {}).join(';') || e.message, 'error'); }
    refresh().catch((e) => flash(e.message, 'error'));
  }

  async function reset(o) {
    if (!window.confirm(`为 ${o.username} 生成新密码?其在别处的登录会失效。`)) return;
    try {
      const r = await post(`operators/${encodeURIComponent(o.username)}/password`, {});
      showPassword(o.username, r.password);
      flash(`${o.username} 的密码已重设`);
    } catch (e) { flash(e.message, 'error'); }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    form.querySelectorAll('.field-error').forEach((el) => { el.textContent = ''; });
    const body = { username: form.elements.username.value.trim(), role: form.elements.role.value };
    if (form.elements.password.value) body.password = form.elements.password.value;
    try {
      const r = await post('operators', body);
      form.reset();
      form.elements.role.value = 'viewer';	// reset() picks the first option
      if (r.password) showPassword(r.item.username, r.password);
      flash(`已添加操作员 ${r.item.username}`);
      await refresh();
    } catch (e) {
      for (const [k, m] of Object.entries(e.fields || {})) {
        const el = form.querySelector(`.field-error[data-for="${k}"]`);
        if (el) el.textContent = m;
      }
      flash(e.message, 'error');
    }
  });

  await refresh();
}
