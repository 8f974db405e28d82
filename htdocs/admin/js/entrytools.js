// What an entry row offers besides edit and delete: the code to paste
// into the mini-program and the QR code for posters.
import { h } from './dom.js';

export const entryExtra = (item) => [h('button', { type: 'button', onclick: () => snippet(item) }, '代码'),
  h('button', { type: 'button', onclick: () => qr(item) }, '二维码')];

function dialog(label, ...body) {
  const dlg = h('dialog.snippet', { 'aria-label': label }, ...body,
    h('button', { type: 'button', onclick: () => { dlg.close(); dlg.remove(); } }, '关闭'));
  document.body.appendChild(dlg);
  dlg.showModal();
  return dlg;
}

// The entry's /go/ link: beside this page's directory (admin/), so it is
// right under a sub-path too (https://host/kf/go/...).
const goLink = (id) => new URL(`../go/${encodeURIComponent(id)}`, location.href).href;

// The entry's /go/ link as a QR code (SVG made by the server).
function qr(item) {
  const src = `api/entries/${encodeURIComponent(item.id)}/qr`;
  dialog(`入口 ${item.id} 的二维码`, h('h3', {}, `${item.label}:扫码打开`),
    h('img.qr', { src, alt: `${goLink(item.id)} 的二维码`, width: 240, height: 240 }),
    h('p', {}, h('code', {}, goLink(item.id))),
    h('p', {}, h('a', { href: src, download: `${item.id}-qr.svg` }, '下载 SVG')));
}

// WXML text: no markup, and no {{ }} data binding, from a label.
function wxmlText(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\{\{/g, '{ {');
}

// What to paste into the mini-program for this button: the kf-contact
// component, or by hand the same three steps it takes (ask ahead, act in
// the tap, report the tap).
function snippet(item) {
  const component = `<!-- page.json: "usingComponents": { "kf-contact": "/components/kf-contact/kf-contact" } -->
<kf-contact base-url="https://YOUR-HOST" scene="${item.scene || ''}" />`;
  const wxml = `<button bindtap="contactKf" data-entry="${item.id}">${wxmlText(item.label)}</button>`;
  const js = `// page.js. 1. Ask kfroute ahead (on show): who would answer. A quote changes nothing.
onShow() {
  wx.request({ url: 'https://YOUR-HOST/api/contact', method: 'POST', data: { entry: '${item.id}' },
    success: ({ data }) => { if (data.success) this.quote = data; } });
},
// 2. Act inside the tap (WeChat opens a WeCom chat only from a tap handler),
// 3. then report the tap: only now do rotation, sticky and counts move.
contactKf() {
  const q = this.quote;
  if (!q) return wx.showToast({ title: '正在连接客服,请稍候再点', icon: 'none' });
  const t = q.target;
  if (t.type === 'wecom_kf') wx.openCustomerServiceChat({ extInfo: { url: t.url }, corpId: t.corp_id });
  else if (t.type === 'page') wx.navigateTo({ url: t.url });
  else if (t.type === 'url') wx.navigateTo({ url: '/pages/kf-webview/index?url=' + encodeURIComponent(t.url) });
  if (q.notice) wx.showToast({ title: q.notice, icon: 'none' });
  if (q.ticket) wx.request({ url: 'https://YOUR-HOST/api/tap', method: 'POST', data: { ticket: q.ticket } });
  this.onShow(); // a fresh quote for the next tap
}`;
  const parts = [h('h3', {}, `入口 ${item.id}:粘贴到小程序`),
    h('p', {}, '推荐:使用随 kfroute 提供的 kf-contact 组件(clients/miniprogram),它会提前查询、在点击时打开、并上报点击。'),
    h('pre', {}, component),
    h('p', {}, '或者手写:WXML'), h('pre', {}, wxml),
    h('p', {}, 'JS'), h('pre', {}, js)];
  if (item.target_type !== 'page') {
    parts.push(h('p', {}, '网页链接:', h('code', {}, goLink(item.id))));
  }
  dialog(`入口 ${item.id} 的小程序代码`, ...parts);
}
