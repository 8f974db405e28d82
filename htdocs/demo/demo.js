// The browser demo of the mini-program component: the shared logic
// module (window.KfRoute, loaded by the page) with fetch and localStorage
// in place of wx.request and wx storage.
const $ = (id) => document.getElementById(id);

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'className') el.className = v;
    else if (v !== null && v !== undefined && v !== false) el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

async function request(method, url, data) {
  try {
    const res = await fetch(url, {
      method, cache: 'no-store',
      headers: data ? { 'Content-Type': 'application/json' } : {},
      body: data ? JSON.stringify(data) : undefined,
    });
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    return { status: res.status, data: body };
  } catch {
    return { status: 0, data: null };
  }
}

const storage = {
  get: (k) => { try { return JSON.parse(localStorage.getItem(k)); } catch { return null; } },
  set: (k, v) => { try { localStorage.setItem(k, JSON.stringify(v)); } catch { /* private mode */ } },
};

const REASONS = {
  designated: '入口指定的客服', account_manager: '客户的专属客服', sticky: '上次接待过这位客户',
  rule: '命中规则', group: '指定客服不在,按策略从分组中选', global: '全局后备分组',
  'none:offline': '没有在线的客服', 'none:full': '客服都已满负荷', 'none:closed': '非营业时间',
  link: '网页链接', // a web page: nobody to route to
};
const reasonText = (r) => REASONS[r] || REASONS[r.split(':')[0]] || r;

const ACTIONS = {
  openChat: (a) => ['打开微信客服会话', `wx.openCustomerServiceChat({ extInfo: { url: '${a.url}' }, corpId: '${a.corpId}' })`],
  navigate: (a) => ['跳转小程序页面', `wx.navigateTo({ url: '${a.url}' })`],
  webview: (a) => ['在 web-view 中打开网页', `wx.navigateTo({ url: '/pages/kf-webview/index?url=${encodeURIComponent(a.url)}' })`],
};

let client = null;
const REFRESH_MS = 2000;

function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.hidden = !text;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 3000);
}

function live(id) {
  const r = client.resolved[id];
  if (!r) return h('div', { className: 'live' }, '…');
  if (!r.ok) return h('div', { className: 'live none' }, r.error.message);
  const d = r.decision;
  // A web page is not routed to anyone: nothing about who is online.
  if (d.target.type === 'url') return h('div', { className: 'live', 'data-live': id }, '打开网页');
  const cls = !d.agent ? 'none' : d.fallback ? 'fallback' : '';
  return h('div', { className: `live ${cls}`, 'data-live': id },
    d.agent ? `此刻接待:${d.agent.name}` : '此刻无人接待', d.fallback ? '(转接)' : '');
}

function renderButtons() {
  const box = $('buttons');
  box.replaceChildren(...client.entries.flatMap((e) => [
    h('button', { className: 'kf-button', 'data-id': e.id, onclick: () => tap(e.id) }, e.label),
    live(e.id),
  ]));
  $('status').textContent = client.state === 'loading' ? client.messages.loading
    : client.state === 'error' ? client.error.message
      : client.stale ? client.messages.stale
        : client.entries.length ? '' : client.messages.empty;
}

// What became of the tap's report (POST /api/tap with the decision's ticket).
function reportText(rep, web) {
  if (!rep) return '上报中…';
  if (!rep.sent) return '不上报(没有凭据)';
  if (rep.counted) return web ? '已计入(网页打开次数)' : '已计入(轮转、计数从此刻生效)';
  if (rep.status === 200) return '这张凭据已计入过';
  if (rep.status >= 400 && rep.status < 500) return `凭据无效,未计入(${rep.status})`;
  return `上报失败,未计入${rep.retried ? '(已重试一次)' : ''}`;
}

function showDecision(id, act) {
  const panel = $('decision');
  if (act.type === 'wait') {
    const r = client.resolved[id];
    panel.replaceChildren(h('p', { className: 'error' }, r && r.error ? r.error.message : client.messages.resolving));
    return;
  }
  // The decision the tap acted on (a background refresh may have replaced
  // client.resolved[id] since).
  const d = act.decision;
  const web = act.type === 'webview';
  const [what, code] = (ACTIONS[act.type] || (() => ['—', '']))(act);
  panel.replaceChildren(h('dl', { 'data-ticket': act.ticket || '' },
    h('dt', {}, '入口'), h('dd', {}, `${d.entry.label}(${d.entry.id})`),
    h('dt', {}, '接待人'), h('dd', { className: 'who' },
      d.agent ? `${d.agent.name}(${d.agent.id})` : web ? '不经客服(网页)' : '无人'),
    h('dt', {}, '为什么'), h('dd', {}, `${reasonText(d.reason)} — ${d.reason}`),
    h('dt', {}, '提示'), h('dd', { 'data-notice': '' }, act.notice || '—'),
    d.next_open && [h('dt', {}, '下次营业'), h('dd', {}, d.next_open)],
    h('dt', {}, '小程序会'), h('dd', { 'data-action': act.type }, what),
    h('dt', {}, '调用'), h('dd', {}, h('code', {}, code)),
    h('dt', {}, '上报点击'), h('dd', { 'data-report': '' }, reportText(null))));
}

async function tap(id) {
  let act = client.tap(id);
  if (act.type === 'wait') {
    toast(act.message);
    await client.resolve(id);
    act = client.tap(id);
  }
  if (act.type === 'wait') { showDecision(id, act); toast(''); return; }
  if (act.notice) toast(act.notice);
  showDecision(id, act);
  // The mini-program would have made its wx call by now: report the tap,
  // as the component does, and show what came of it.
  const rep = await client.report(id);
  const dd = document.querySelector(`#decision dl[data-ticket="${act.ticket || ''}"] [data-report]`);
  if (dd) {
    dd.textContent = reportText(rep, act.type === 'webview');
    dd.dataset.report = rep.sent ? String(rep.status) : 'none';
  }
}

async function load() {
  // Relative to the demo page (…/demo/): kfroute may live under a sub-path.
  client = new window.KfRoute.Client({ baseUrl: '..', scene: $('scene').value, maxAgeMs: REFRESH_MS, request, storage });
  renderButtons();
  await client.loadEntries();
  renderButtons();
  await client.resolveAll(true);
  renderButtons();
}

// Presence: through the admin API when this browser is logged in to
// /admin/, otherwise the kfctl command to run.
async function presence() {
  const panel = $('presence');
  const me = await request('GET', '../admin/api/me');
  if (!me.data || !me.data.success) {
    panel.replaceChildren(h('p', { className: 'note' }, '在本机终端切换某位客服的状态,左边几秒内就会变化:'),
      h('p', {}, h('code', {}, 'bin/kfctl agent status a1 offline')),
      h('p', { className: 'note' }, '或先登录 ', h('a', { href: '../admin/' }, '管理页'), ',这里就会出现切换按钮。'));
    return;
  }
  const agents = await request('GET', '../admin/api/agents');
  const set = async (a, status) => {
    await fetch(`../admin/api/agents/${encodeURIComponent(a.id)}/presence`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.data.csrf },
      body: JSON.stringify({ status }),
    });
    presence();
  };
  panel.replaceChildren(h('div', { className: 'agents' }, (agents.data.items || []).map((a) =>
    h('div', { className: `agent ${a.status}`, 'data-agent': a.id },
      h('div', {}, `${a.display_name}(${a.id})`),
      h('div', { className: 'note' }, a.status === 'online' ? '在线' : a.status === 'busy' ? '忙碌' : '离线'),
      me.data.role === 'admin' && h('button', { onclick: () => set(a, a.status === 'offline' ? 'online' : 'offline') },
        a.status === 'offline' ? '设为在线' : '设为离线')))));
}

$('scene').addEventListener('change', load);
load();
presence();
// Live decisions: everything asked again every couple of seconds.
setInterval(async () => {
  if (!client || client.state !== 'ready') return;
  await client.resolveAll(true);
  renderButtons();
}, REFRESH_MS);
