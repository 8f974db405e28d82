/*
 * <kf-contact base-url="https://kf.example.com" scene="home" />
 *
 * Buttons built from kfroute's /api/entries (the last good list is kept in
 * wx storage for when the network fails); each visible entry is resolved
 * ahead (on show, and again when older than max-age) so a tap can open
 * the WeCom chat at once, as wx.openCustomerServiceChat requires. The
 * decision's notice is shown; every failure says so and offers a retry.
 * Once a tap's action has started, the decision it used is reported to
 * kfroute (POST /api/tap with the answer's ticket), without waiting.
 * All the logic is in lib/kfroute.js; this file only talks to wx.
 */
var KfRoute = require('../../lib/kfroute.js');

function wxRequest(method, url, data) {
  return new Promise(function (resolve) {
    wx.request({
      url: url,
      method: method,
      data: data,
      header: { 'content-type': 'application/json' },
      success: function (res) { resolve({ status: res.statusCode, data: res.data }); },
      fail: function (err) { resolve({ status: 0, data: null, error: err }); },
    });
  });
}

var wxStorage = {
  get: function (key) { try { return wx.getStorageSync(key) || null; } catch (e) { return null; } },
  set: function (key, value) { try { wx.setStorageSync(key, value); } catch (e) { /* full: no cache */ } },
};

// A wx.login code lets kfroute know the customer (openid); without one
// the tap is anonymous, which still works. The client asks for one only
// while it has no good customer token from kfroute (kept in wx storage),
// once for all the buttons.
function wxLogin() {
  return new Promise(function (resolve) {
    wx.login({
      success: function (res) { resolve(res.code || null); },
      fail: function () { resolve(null); },
    });
  });
}

Component({
  properties: {
    baseUrl: { type: String, value: '' },
    scene: { type: String, value: '' },
    maxAge: { type: Number, value: 60 },	// seconds a resolved tap stays good
    compat: { type: Boolean, value: false },	// /api/getCustomerServiceUrl backends
    corpId: { type: String, value: '' },	// for compat links
    webviewPage: { type: String, value: '/pages/kf-webview/index' },
  },

  data: {
    state: 'idle', entries: [], stale: false, error: '',
    message: '', messageKind: '', retryId: '', messages: KfRoute.MESSAGES,
  },

  lifetimes: {
    attached: function () {
      var p = this.properties;
      this.client = new KfRoute.Client({
        baseUrl: p.baseUrl, scene: p.scene, maxAgeMs: p.maxAge * 1000,
        compat: p.compat, corpId: p.corpId,
        request: wxRequest, storage: wxStorage, login: wxLogin,
      });
      // Settles once the buttons are shown and resolved (tests wait on it).
      this.ready = this.refresh();
    },
  },

  pageLifetimes: {
    // Back on the page: answers older than max-age are asked again.
    show: function () {
      if (this.client && this.client.state === 'ready') return this.client.resolveAll(false);
      return null;
    },
  },

  methods: {
    refresh: function () {
      var self = this;
      this.setData({ state: 'loading', error: '' });
      return this.client.loadEntries().then(function (c) {
        self.setData({
          state: c.state, entries: c.entries, stale: c.stale,
          error: c.state === 'error' ? c.error.message : '',
        });
        if (c.state === 'ready') return c.resolveAll(true);
        return null;
      });
    },

    onRetry: function () {
      return this.refresh();
    },

    say: function (message, kind, retryId) {
      this.setData({ message: message || '', messageKind: kind || '', retryId: retryId || '' });
    },

    onTap: function (e) {
      var id = e.currentTarget.dataset.id, self = this;
      var act = this.client.tap(id);
      if (act.type !== 'wait') return this.perform(id, act);
      // Not resolved yet (or it failed): ask now. A page or web target can
      // still be opened when the answer comes; the chat needs a new tap.
      this.say(act.message, '');
      return this.client.resolve(id).then(function (r) {
        if (!r.ok) return self.say(r.error.message, 'error', id);
        if (r.action.type === 'openChat') return self.say(self.client.messages.ready, '');
        return self.perform(id, self.client.tap(id));
      });
    },

    perform: function (id, act) {
      var self = this;
      var fail = function () { self.say(self.client.messages.openFail, 'error', id); };
      if (act.notice) wx.showToast({ title: act.notice, icon: 'none', duration: 3000 });
      this.say(act.notice || '', '');
      if (act.type === 'openChat') {
        wx.openCustomerServiceChat({ extInfo: { url: act.url }, corpId: act.corpId, fail: fail });
      } else if (act.type === 'navigate') {
        wx.navigateTo({ url: act.url, fail: fail });
      } else if (act.type === 'webview') {
        wx.navigateTo({ url: this.properties.webviewPage + '?url=' + encodeURIComponent(act.url), fail: fail });
      }
      // The action is under way: now tell kfroute this decision was used
      // (POST /api/tap with its ticket). Fire and forget; it never throws,
      // and nothing here waits for it (tests may await this.reported).
      this.reported = this.client.report(id);
      this.triggerEvent('contact', { entry: id, action: act.type, url: act.url, decision: act.decision });
    },
  },
});
