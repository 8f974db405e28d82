// WeCom kf accounts and the contact links made for the entries that use
// them (kept by `kfctl wecom sync-accounts`, see the README).
import { h, clear, fmtTime } from './dom.js';
import { get } from './api.js';

export async function wecomView(root) {
  const items = (await get('wecom')).items;
  clear(root).appendChild(h('h2', {}, '微信客服账号与接入链接'));
  root.appendChild(h('p.hint', {}, '账号和链接由 ', h('code', {}, 'bin/kfctl wecom sync-accounts'),
    ' 从企业微信同步(可放进 cron);“打开方式”为微信客服的入口各有一条带场景值的链接。'));
  if (!items.length) {
    root.appendChild(h('p.card', {}, '还没有同步到任何微信客服账号。'));
    return;
  }
  root.appendChild(h('div.scroll', {}, h('table.grid.wecom', {},
    h('thead', {}, h('tr', {}, ['账号', 'open_kfid', '同步时间', '场景', '入口', '链接'].map((t) => h('th', {}, t)))),
    h('tbody', {}, items.flatMap((a) => (a.links.length ? a.links : [null]).map((l, i) => h('tr', {},
      h('td', {}, i ? '' : a.name), h('td', {}, i ? '' : a.open_kfid), h('td', {}, i ? '' : fmtTime(a.synced_at)),
      h('td', {}, l ? l.scene : '—'), h('td', {}, l && l.entry_id ? l.entry_id : '—'),
      h('td', {}, l ? h('code', {}, l.url) : '—'))))))));
}
