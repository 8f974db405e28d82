// WeCom kf accounts and the contact links made for the entries that use
// them. 同步 asks the WeCom worker (`kfctl wecom worker`, which holds the
// WeCom secret; this page's program does not) to sync them; the page
// follows the request until the worker records its result.
import { h, clear, fmtTime } from './dom.js';
import { get, post } from './api.js';
import { flash, state } from './state.js';

// A request nobody claims within this long: no worker is running.
const UNCLAIMED_S = 15;
// Heartbeats come every 5 s; older than this, the worker is gone.
const BEAT_STALE_S = 15;
const POLL_MS = 1000;

function startHint() {
  return ['请在服务器上启动企业微信后台进程:', h('code', {}, 'systemctl start kfroute-worker'),
    '(开发环境:', h('code', {}, 'make run'), ' 或 ', h('code', {}, 'scripts/stack.sh start'),
    ')。它用 wecom.conf 运行 ', h('code', {}, 'kfctl wecom worker'), ',请求会保留到它接手为止。'];
}

function open(sync) { return sync && (sync.state === 'pending' || sync.state === 'running'); }

// The worker's liveness as the page can tell it.
function workerLine(worker, sync) {
  const stale = !worker || worker.age_s > BEAT_STALE_S;
  const unclaimed = sync && sync.state === 'pending' && sync.age_s >= UNCLAIMED_S;
  if (!stale && !unclaimed) {
    return h('p.hint.wsync-worker', {}, `后台进程运行中(${worker.host},${worker.age_s} 秒前有心跳)`);
  }
  const what = unclaimed ? `已等待 ${sync.age_s} 秒,仍没有后台进程接手这次同步:企业微信后台进程没有运行。`
    : worker ? `企业微信后台进程最近一次心跳在 ${worker.age_s} 秒前,可能已停止。`
      : '还没有企业微信后台进程运行过。';
  return h('p.error.wsync-worker', { role: 'alert' }, what, startHint());
}

// The latest request: waiting, progress, result or error, in words.
function syncLine(sync) {
  if (!sync) return h('p.hint.wsync-state', {}, '还没有从本页同步过。');
  const by = `由 ${sync.requested_by} 于 ${fmtTime(sync.requested_at)} 发起。`;
  switch (sync.state) {
    case 'pending':
      return h('p.wsync-state', { 'aria-live': 'polite' }, `已提交同步请求,等待后台进程接手…(${sync.age_s} 秒)。`, by);
    case 'running':
      return h('p.wsync-state', { 'aria-live': 'polite' },
        `正在同步…已同步账号 ${sync.accounts ?? 0} 个,新生成链接 ${sync.links_created ?? 0} 条。`, by);
    case 'done':
      return h('div.wsync-state', {},
        h('p.ok', {}, `同步完成:企业微信客服账号 ${sync.accounts} 个,新生成接入链接 ${sync.links_created} 条。`,
          `完成于 ${fmtTime(sync.finished_at)},`, by),
        sync.problems ? h('p.error', {}, `另有 ${sync.problems} 个入口未能生成链接(见下表)。最后一个问题:${sync.error}`
          + (sync.errcode ? `(企业微信 errcode ${sync.errcode})` : '')) : null);
    case 'failed':
      return h('p.error.wsync-state', { role: 'alert' }, `同步失败:${sync.error || '原因不明'}`,
        sync.errcode ? `(企业微信 errcode ${sync.errcode})` : '', `。失败于 ${fmtTime(sync.finished_at)},`, by,
        '处理后可再点“同步”。');
    default:
      return h('p.wsync-state', {}, '其他');
  }
}

// Why an entry has no link, and what fixes it.
function fixOf(e) {
  if (!e.scene) return '入口 ID 超过 32 个字符:请在入口里填写“微信客服场景值”,再点“同步”。';
  if (!e.account_known) return `客服账号 ${e.open_kfid} 不在已同步的账号中:先点“同步”;同步后仍在这里,请检查入口的目标是否为本企业的 open_kfid。`;
  return '还没有生成接入链接:点“同步”生成。在此之前,点这个入口的客户得不到链接。';
}

function unlinkedCard(list) {
  if (!list.length) return null;
  return h('section.card.wsync-unlinked', {},
    h('h3', {}, `尚未生成接入链接的微信客服入口(${list.length} 个)`),
    h('div.scroll', {}, h('table.grid', {},
      h('thead', {}, h('tr', {}, ['入口', '按钮文字', '客服账号', '场景值', '处理'].map((t) => h('th', {}, t)))),
      h('tbody', {}, list.map((e) => h('tr', {},
        h('td', {}, e.id), h('td', {}, e.label), h('td', {}, e.open_kfid), h('td', {}, e.scene || '—'),
        h('td', {}, fixOf(e))))))));
}

function accountsTable(items) {
  if (!items.length) return h('p.card', {}, '还没有同步到任何微信客服账号。');
  return h('div.scroll', {}, h('table.grid.wecom', {},
    h('thead', {}, h('tr', {}, ['账号', 'open_kfid', '同步时间', '场景', '入口', '链接'].map((t) => h('th', {}, t)))),
    h('tbody', {}, items.flatMap((a) => (a.links.length ? a.links : [null]).map((l, i) => h('tr', {},
      h('td', {}, i ? '' : a.name), h('td', {}, i ? '' : a.open_kfid), h('td', {}, i ? '' : fmtTime(a.synced_at)),
      h('td', {}, l ? l.scene : '—'), h('td', {}, l && l.entry_id ? l.entry_id : '—'),
      h('td', {}, l ? h('code', {}, l.url) : '—')))))));
}

export async function wecomView(root) {
  let timer = null, stopped = false, busy = false;
  const isAdmin = state.me && state.me.role === 'admin';

  async function request(ev) {
    busy = true;
    ev.target.disabled = true;
    try {
      const r = await post('wecom/sync');
      flash(r.merged ? '已有同步请求在进行,本次并入其中' : '已提交同步请求');
    } catch (e) {
      flash(e.message, 'error');
    }
    busy = false;
    await refresh();
  }

  function render(v) {
    const button = isAdmin ? h('button.primary.wsync-go', { type: 'button', disabled: busy || open(v.sync), onclick: request },
      open(v.sync) ? '同步中…' : '同步') : null;
    clear(root).appendChild(h('h2', {}, '微信客服账号与接入链接'));
    root.appendChild(h('p.hint', {}, '“打开方式”为微信客服的入口各需一条带场景值的接入链接。点“同步”从企业微信取回客服账号、为缺链接的入口生成链接;',
      '由企业微信后台进程执行(本页不持有企业微信的 secret)。服务器上也可运行 ', h('code', {}, 'bin/kfctl wecom sync-accounts'), '。'));
    root.appendChild(h('section.card.wsync', {},
      h('div.tools', {}, button, isAdmin ? null : h('span.hint', {}, '只读账号不能发起同步。')),
      syncLine(v.sync), workerLine(v.worker, v.sync)));
    const u = unlinkedCard(v.unlinked);
    if (u) root.appendChild(u);
    root.appendChild(h('h3', {}, '已同步的账号'));
    root.appendChild(accountsTable(v.items));
  }

  // Follow an open request; stop once it is done (or the view is left).
  async function refresh() {
    clearTimeout(timer);
    if (stopped) return;
    let v;
    try { v = await get('wecom'); } catch (e) { flash(e.message, 'error'); return; }
    if (stopped) return;
    render(v);
    if (open(v.sync)) timer = setTimeout(refresh, POLL_MS);
  }

  await refresh();
  return () => { stopped = true; clearTimeout(timer); };
}
