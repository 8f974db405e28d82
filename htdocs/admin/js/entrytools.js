// What an entry row offers besides edit and delete: the code to paste
// into the mini-program, the code for posters (小程序码 for page entries,
// the /go/ link's QR code for the others) and a ⚠ mark when customers
// could not reach the entry (GET api/reach), each problem with its fix.
import { h, clear } from './dom.js';
import { get, ApiError } from './api.js';
import { REACH_PROBLEM, word } from './words.js';

export const entryExtra = (item) => [
  h('button', { type: 'button', onclick: () => snippet(item) }, '代码'),
  h('button', { type: 'button', onclick: () => qr(item) }, '二维码'), entryWarning(item)];

// Every entry's reachability, asked once per table drawing: the rows of
// one drawing share the answer; a later drawing (after an edit) asks again.
let reachAsked = 0;
let reachAnswer = null;
function reachAll() {
  if (!reachAnswer || Date.now() - reachAsked > 2000) {
    reachAsked = Date.now();
    reachAnswer = get('reach').then((r) => new Map(r.items.map((x) => [x.entry, x])))
      .catch(() => new Map());
  }
  return reachAnswer;
}

// A problem as one line of text: what is wrong, then how to fix it.
const problemText = (p) => `${word(REACH_PROBLEM, p.code)}:${p.message}。处理:${p.fix}`;

// The ⚠ mark for an entry's row (empty while asking, and when customers
// can reach it); the entries view shows it next to the row's buttons. A
// tap (or Enter) opens what is wrong and how to fix it: a phone has no
// hover, so the fix is never only a title.
export function entryWarning(item) {
  const slot = h('details.reach-warn', { hidden: true });
  reachAll().then((m) => {
    const r = m.get(item.id);
    if (!r || !r.problems.length) return;
    slot.hidden = false;
    slot.title = r.problems.map(problemText).join('\n');
    slot.append(h('summary', {}, `⚠ ${r.problems.map((p) => word(REACH_PROBLEM, p.code)).join('、')}`),
      h('ul', {}, r.problems.map((p) => h('li', {}, `${p.message}。`, h('span.fix', {}, `处理:${p.fix}`)))));
  });
  return slot;
}

// Copies text; where the browser refuses (no clipboard: plain http, an
// old browser), selects the text and says how to copy it.
export async function copyText(text, el, status) {
  const say = (msg, ok) => {
    status.textContent = msg;
    status.className = `copy-status ${ok ? 'ok' : 'hint'}`;
  };
  try {
    if (!navigator.clipboard || !navigator.clipboard.writeText) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
    say('已复制', true);
  } catch {
    const range = document.createRange();
    range.selectNodeContents(el);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    say('已选中,请按 Ctrl+C', false);
  }
}

// A copy button for an element's text, with its own status line.
function copyButton(el, label = '复制') {
  const status = h('span.copy-status', { role: 'status' });
  const b = h('button.copy', { type: 'button', onclick: () => copyText(el.textContent, el, status) }, label);
  return h('span.copy-tools', {}, b, status);
}

// A code block with its copy button above it.
function codeBlock(cls, text, label) {
  const pre = h(`pre.${cls}`, {}, text);
  return h('div.code-block', {}, h('div.code-head', {}, copyButton(pre, label)), pre);
}

// A link as code with a copy button.
function linkLine(text, url) {
  const code = h('code', {}, url);
  return h('p.link-line', {}, text, code, ' ', copyButton(code, '复制链接'));
}

// The 代码 and 二维码 dialogs, looking like the edit dialogs: a title with
// × above a scrolling body, and a footer that stays on screen.
function dialog(label, title, ...body) {
  const close = () => dlg.close();
  const dlg = h('dialog.editor.snippet', { 'aria-label': label },
    h('div.editor-form', {},
      h('header.editor-head', {}, h('h3', {}, title),
        h('button.chip-x', { type: 'button', 'aria-label': '关闭', title: '关闭', onclick: close }, '×')),
      h('div.editor-body', {}, ...body),
      h('footer.editor-foot', {}, h('div.buttons', {}, h('button', { type: 'button', onclick: close }, '关闭')))));
  dlg.addEventListener('close', () => dlg.remove());
  document.body.appendChild(dlg);
  dlg.showModal();
  return dlg;
}

// The entry's /go/ link: beside this page's directory (admin/), so it is
// right under a sub-path too (https://host/kf/go/...).
const goLink = (id) => new URL(`../go/${encodeURIComponent(id)}`, location.href).href;

// The problems, each with how to fix it.
const problemList = (problems) => h('ul.reach-problems', {},
  problems.map((p) => h('li', {}, h('strong', {}, `⚠ ${word(REACH_PROBLEM, p.code)}:`), p.message,
    h('br'), h('span.fix', {}, `处理:${p.fix}`))));

// The poster code. The server answers an image, or JSON saying why not
// (WeChat refused, the mini-program not configured): asked first with
// fetch so a failure shows as text, never as a broken image; the <img>
// then gets the same address (kept on the server, WeChat is not asked
// again).
async function qr(item) {
  const src = `api/entries/${encodeURIComponent(item.id)}/qr`;
  const page = item.target_type === 'page';
  const status = h('p.hint', {}, page ? '正在生成小程序码…' : '正在生成二维码…');
  const warn = h('div.reach');
  const body = h('div.qr-body', {}, status);
  dialog(`入口 ${item.id} 的${page ? '小程序码' : '二维码'}`, `${item.label}:${page ? '小程序码' : '扫码打开'}`, warn, body);
  // The reach problems, less the one the code's own error already says
  // (the mini-program not configured: said once, as the error).
  let refused = null;
  const reach = get(`entries/${encodeURIComponent(item.id)}/reach`).then((r) => r.reach.problems).catch(() => []);
  const showWarn = async () => {
    const problems = (await reach).filter((p) => !(refused === 'miniprogram_not_configured' && p.code === 'miniprogram_unset'));
    clear(warn);
    if (problems.length) warn.append(problemList(problems));
  };
  let res;
  try {
    res = await fetch(src, { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    status.textContent = '网络错误,请检查连接后重试';
    showWarn();
    return;
  }
  const type = res.headers.get('Content-Type') || '';
  if (!res.ok || /json/.test(type)) {
    let data = {};
    try { data = await res.json(); } catch { /* shown as the status */ }
    const err = new ApiError(res.status, data);
    refused = err.code || 'failed';
    showWarn();
    clear(body).append(h('p.error', {}, err.message),
      data.detail ? h('p', {}, data.detail, data.errcode != null ? `(微信 errcode ${data.errcode})` : '') : '',
      data.fields ? h('p.error', {}, Object.values(data.fields).join(';')) : '');
    return;
  }
  showWarn();
  const name = page ? `${item.id}-小程序码.png` : `${item.id}-qr.svg`;
  clear(body).append(
    h('img.qr', { src, alt: page ? `入口 ${item.id} 的小程序码` : `${goLink(item.id)} 的二维码`, width: 240, height: 240 }),
    page
      ? h('p.hint', {}, `微信扫码打开小程序页面 ${item.target},页面从 options.scene 读到入口 ID “${item.id}”(见“代码”)。`)
      : linkLine('链接:', goLink(item.id)),
    h('p', {}, h('a', { href: src, download: name }, page ? '下载 PNG' : '下载 SVG')));
}

// WXML text: no markup, and no {{ }} data binding, from a label.
function wxmlText(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\{\{/g, '{ {');
}

// What to paste into the mini-program for this entry: first the kf-contact
// component (clients/miniprogram, README "Mini-program component"), which
// shows the scene's buttons, resolves each ahead and opens it in the tap;
// then, for a hand-made button, the same steps by hand for this entry's
// target type. WeChat opens a WeCom chat only from inside a tap handler,
// so the answer is fetched ahead and the tap never waits for a request.
export function snippetText(item) {
  const scene = item.scene || '';
  const json = '"usingComponents": { "kf-contact": "/components/kf-contact/kf-contact" }';
  const component = `<!-- 页面的 .json: ${json} -->
<kf-contact base-url="https://YOUR-HOST" scene="${scene}"
            max-age="60" bind:contact="onContact" />`;
  const wxml = `<button bindtap="contactKf">${wxmlText(item.label)}</button>`;
  const open = {
    page: `  // 小程序页面:在点击里跳转。
  wx.navigateTo({ url: t.url, fail: () => wx.showToast({ title: '页面打不开', icon: 'none' }) });`,
    url: `  // 网页:在 web-view 页面里打开(pages/kf-webview,域名需在“业务域名”里)。
  wx.navigateTo({ url: '/pages/kf-webview/index?url=' + encodeURIComponent(t.url) });`,
    wecom_kf: `  // 微信客服:直接在点击处理函数里调用(微信只允许在点击中打开),
  // 用的是提前拿到的链接;不要放进 wx.request 的回调里。
  wx.openCustomerServiceChat({ extInfo: { url: t.url }, corpId: t.corp_id,
    fail: () => wx.showToast({ title: '客服会话打不开,请重试', icon: 'none' }) });`,
  }[item.target_type] || '';
  const js = `// 页面的 .js(入口 ${item.id})
// 1. 提前询问(页面显示时):这次点击会由谁接待。询问不改变任何状态。
onShow() {
  this.quote = null;
  wx.request({
    url: 'https://YOUR-HOST/api/contact', method: 'POST', data: { entry: '${item.id}' },
    success: ({ data }) => { if (data && data.success) this.quote = data; },
  });
},
// 2. 点击:用提前拿到的答复立即打开,不等任何请求。
contactKf() {
  const q = this.quote;
  if (!q) return wx.showToast({ title: '正在连接客服,请稍候再点', icon: 'none' });
  const t = q.target;
${open}
  if (q.notice) wx.showToast({ title: q.notice, icon: 'none' });
  // 3. 打开之后上报这次点击(轮流、记忆和统计只在此时生效),再为下次点击询问。
  if (q.ticket) wx.request({ url: 'https://YOUR-HOST/api/tap', method: 'POST', data: { ticket: q.ticket } });
  this.onShow();
},`;
  const scanned = item.target_type === 'page' ? `// ${item.target || '目标页面'} 的 .js:从小程序码进入时,入口 ID 在 scene 里
onLoad(options) {
  const entry = options.scene ? decodeURIComponent(options.scene) : '';  // '${item.id}'
},` : null;
  return { component, wxml, js, scanned };
}

function snippet(item) {
  const t = snippetText(item);
  const parts = [
    h('p', {}, '推荐:使用随 kfroute 提供的 kf-contact 组件。把 clients/miniprogram 的 components/kf-contact/、'
      + 'lib/kfroute.js 和 pages/kf-webview/ 复制到小程序(在 app.json 的 pages 里加上 "pages/kf-webview/index"),'
      + `然后在页面里放上组件:它显示场景“${item.scene || '(未设置场景)'}”的全部按钮(含本入口),`
      + '提前查询、在点击时打开、并上报点击。'),
    codeBlock('snippet-component', t.component)];
  if (!item.scene) parts.push(h('p.error', {}, '本入口还没有场景(scene):先给它设一个场景,组件按场景显示按钮。'));
  if (t.scanned) {
    parts.push(h('p', {}, '小程序码:扫码打开本入口的页面,入口 ID 作为 scene 传入:'), codeBlock('snippet-scene', t.scanned));
  }
  parts.push(h('p', {}, '不用组件、自己做按钮时(同样是提前查询、点击时打开):WXML'), codeBlock('snippet-wxml', t.wxml),
    h('p', {}, 'JS'), codeBlock('snippet-js', t.js));
  if (item.target_type !== 'page') {
    parts.push(linkLine('网页链接:', goLink(item.id)));
  }
  dialog(`入口 ${item.id} 的小程序代码`, `入口 ${item.label}(${item.id}):粘贴到小程序`, ...parts);
}
