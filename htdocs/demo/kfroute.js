/*
 * kfroute client logic, shared by the mini-program component (kf-contact)
 * and the browser demo (htdocs/demo/). It makes no wx.* call of its own:
 * the host passes in how to make a request, keep a value, log in and read
 * the clock, so the same code runs in WeChat, in a browser and in tests.
 *
 * Plain ES5-compatible JavaScript with Promises (no build step): loaded by
 * require() in the mini-program and in node, by a <script> tag in a
 * browser (window.KfRoute).
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.KfRoute = factory();
}(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  // What the customer reads; a host may replace any of them (Chinese by
  // default, the customers' language).
  var MESSAGES = {
    loading: '正在加载客服…',
    network: '网络不稳定,请检查网络后重试',
    server: '客服服务暂时不可用,请稍后重试',
    stale: '网络不可用,显示的是上次保存的客服列表',
    empty: '暂无可用的客服入口',
    resolving: '正在为您连接客服,请稍候…',
    ready: '已准备好,请再点一次进入客服会话',
    openFail: '无法打开客服会话,请重试',
    noTarget: '该入口暂时无法打开,请稍后重试',
  };

  var CACHE_PREFIX = 'kfroute.entries.';
  // What a ticket from /api/contact looks like; anything else is not sent.
  var TICKET_RE = /^[A-Za-z0-9._-]{1,128}$/;
  // The customer token kfroute answers for an exchanged wx.login code,
  // kept as { token, expiresAt (ms, opts.now()'s clock) }.
  var CUSTOMER_KEY = 'kfroute.customer';
  var CUSTOMER_RE = /^[A-Za-z0-9._-]{1,256}$/;

  function merge(a, b) {
    var out = {}, k;
    for (k in a) if (Object.prototype.hasOwnProperty.call(a, k)) out[k] = a[k];
    for (k in b || {}) if (Object.prototype.hasOwnProperty.call(b, k)) out[k] = b[k];
    return out;
  }

  // A failed answer as something to show: the server's own message for
  // a 4xx (it is written for customers), a generic one otherwise.
  function failure(res, messages) {
    var body = res && res.data;
    if (!res || res.status === 0) return { kind: 'network', message: messages.network };
    if (res.status >= 400 && res.status < 500 && body && typeof body.message === 'string') {
      return { kind: 'client', status: res.status, code: body.code, message: body.message };
    }
    return { kind: 'server', status: res.status, message: messages.server };
  }

  function ok(res) {
    return res && res.status === 200 && res.data && res.data.success === true;
  }

  // What the mini-program does with a decision. openChat must run inside
  // the tap (wx.openCustomerServiceChat's rule); the others need not.
  function actionFor(decision, corpId) {
    var t = decision && decision.target;
    if (!t || !t.url) return { type: 'none' };
    if (t.type === 'wecom_kf') return { type: 'openChat', url: t.url, corpId: t.corp_id || corpId || '' };
    if (t.type === 'page') return { type: 'navigate', url: t.url };
    if (t.type === 'url') return { type: 'webview', url: t.url };
    return { type: 'none' };
  }

  // The original design's answer, {"success":true,"url":...}: a WeCom
  // link opens the chat, another web address a web view, a path a page.
  function compatAction(url, corpId) {
    if (/^https:\/\/work\.weixin\.qq\.com\//.test(url)) return { type: 'openChat', url: url, corpId: corpId || '' };
    if (/^https?:\/\//.test(url)) return { type: 'webview', url: url };
    return { type: 'navigate', url: url };
  }

  /*
   * opts: baseUrl ('' for the same origin), scene, request(method, url,
   * data) -> Promise<{status, data}> (status 0: no answer), storage
   * {get(key), set(key, value)} (the last good list of buttons, and
   * kfroute's customer token under 'kfroute.customer'), login() ->
   * Promise<code or null> (wx.login; called only while no customer token
   * is good, by one resolve at a time, whose answer brings the token the
   * others then send), now() -> ms, maxAgeMs (how long a resolved tap
   * stays good, 60 s), tokenMarginMs (a customer token is not sent in its
   * last minute, 60 s, or last half when it lives shorter), compat (use
   * /api/getCustomerServiceUrl; no login), corpId (for compat links),
   * entries (a fixed list instead of /api/entries), messages,
   * reportRetryMs (the wait before a failed tap report is sent again, 2 s).
   */
  function Client(opts) {
    this.o = merge({ baseUrl: '', scene: '', maxAgeMs: 60000, compat: false, corpId: '', reportRetryMs: 2000,
      tokenMarginMs: 60000,
      now: function () { return Date.now(); }, login: function () { return Promise.resolve(null); },
      storage: { get: function () { return null; }, set: function () {} } }, opts);
    this.messages = merge(MESSAGES, this.o.messages);
    this.state = 'idle';	// idle | loading | ready | error
    this.entries = [];
    this.stale = false;	// entries come from the saved copy
    this.error = null;
    this.resolved = {};	// entry id -> { at, ok, action, decision, notice, ticket, reported, error }
    this.inflight = {};	// entry id -> Promise
    this.acted = {};	// entry id -> the resolved answer the last tap acted on (for report)
    this.loggingIn = null;	// Promise: settles once the answer to the one code sent is in
  }

  Client.prototype.url = function (path) {
    return this.o.baseUrl.replace(/\/+$/, '') + path;
  };

  /* The buttons: from the server, else the last good list, else an error. */
  Client.prototype.loadEntries = function () {
    var self = this, key = CACHE_PREFIX + (this.o.scene || '');
    if (this.o.entries) {
      this.entries = this.o.entries;
      this.state = 'ready';
      return Promise.resolve(this);
    }
    this.state = 'loading';
    var q = this.o.scene ? '?scene=' + encodeURIComponent(this.o.scene) : '';
    return this.o.request('GET', this.url('/api/entries' + q)).then(function (res) {
      if (ok(res) && Array.isArray(res.data.entries)) {
        self.entries = res.data.entries;
        self.stale = false;
        self.error = null;
        self.state = 'ready';
        self.o.storage.set(key, { at: self.o.now(), entries: self.entries });
        return self;
      }
      var saved = self.o.storage.get(key);
      self.error = failure(res, self.messages);
      if (saved && Array.isArray(saved.entries)) {
        self.entries = saved.entries;
        self.stale = true;
        self.state = 'ready';
      } else {
        self.entries = [];
        self.state = 'error';
      }
      return self;
    });
  };

  /* The stored customer token while it is good, else null. */
  Client.prototype.customerToken = function () {
    var c = this.o.storage.get(CUSTOMER_KEY);
    if (c && typeof c.token === 'string' && CUSTOMER_RE.test(c.token) &&
      typeof c.expiresAt === 'number' && this.o.now() < c.expiresAt) return c.token;
    return null;
  };

  /*
   * Who the next /api/contact names: { customer: token } while a token is
   * good; else { code, done } for the one resolve that logs in (it calls
   * done() once its answer is handled); the resolves that start meanwhile
   * wait for that answer and send the token it brought, or nothing. A
   * code is single-use at WeChat: each goes into one request only.
   */
  Client.prototype.identify = function () {
    var self = this, token = this.customerToken(), done;
    if (token) return Promise.resolve({ customer: token });
    if (this.loggingIn) {
      return this.loggingIn.then(function () {
        var t = self.customerToken();
        return t ? { customer: t } : {};
      });
    }
    var waiting = this.loggingIn = new Promise(function (resolve) { done = resolve; });
    var finish = function () {
      if (self.loggingIn === waiting) self.loggingIn = null;
      done();
    };
    return new Promise(function (resolve) { resolve(self.o.login()); }).then(null, function () { return null; })
      .then(function (code) {
        if (!code) { finish(); return {}; }
        return { code: code, done: finish };
      });
  };

  /*
   * What an /api/contact answer says about the customer token: a code's
   * answer may bring one (kept until expires_in, less the margin); a
   * token the server no longer accepts (expired, secret rotated) is
   * dropped, so the next resolve logs in again.
   */
  Client.prototype.learn = function (who, res) {
    var d = ok(res) ? res.data : null, now = this.o.now(), ms, kept;
    if (!d) return;
    if (who.code && typeof d.customer_token === 'string' && CUSTOMER_RE.test(d.customer_token) &&
      typeof d.customer_token_expires_in === 'number' && d.customer_token_expires_in > 0) {
      ms = d.customer_token_expires_in * 1000;
      this.o.storage.set(CUSTOMER_KEY, { token: d.customer_token,
        expiresAt: now + ms - Math.min(this.o.tokenMarginMs, ms / 2) });
    } else if (who.customer && d.verified === false) {
      // Only the token sent: a newer one may have come meanwhile.
      kept = this.o.storage.get(CUSTOMER_KEY);
      if (kept && kept.token === who.customer) this.o.storage.set(CUSTOMER_KEY, null);
    }
  };

  /* Ask who answers this entry now; remembered for maxAgeMs. */
  Client.prototype.resolve = function (id) {
    var self = this;
    if (this.inflight[id]) return this.inflight[id];
    // A request that throws or rejects is one that got no answer.
    function post(path, body) {
      return new Promise(function (resolve) { resolve(self.o.request('POST', self.url(path), body)); })
        .then(null, function () { return { status: 0, data: null }; });
    }
    var asked = this.o.compat ? post('/api/getCustomerServiceUrl', { customerId: id })
      : this.identify().then(function (who) {
        var body = { entry: id };
        if (who.customer) body.customer = who.customer;
        if (who.code) body.code = who.code;
        return post('/api/contact', body).then(function (res) {
          // The resolves waiting for this code's answer go on whatever happens.
          try { self.learn(who, res); } finally { if (who.done) who.done(); }
          return res;
        });
      });
    var p = asked.then(function (res) {
      var r = { at: self.o.now() };
      if (ok(res)) {
        r.ok = true;
        r.decision = res.data;
        r.action = self.o.compat ? compatAction(res.data.url, self.o.corpId) : actionFor(res.data, self.o.corpId);
        // A web page is not a person: no routing notice for it, whatever
        // an older server says ("nobody online" would only confuse).
        r.notice = self.o.compat || r.action.type === 'webview' ? '' : (res.data.notice || '');
        // The quote's ticket, sent back by report() once the tap is acted on.
        r.ticket = !self.o.compat && typeof res.data.ticket === 'string' && TICKET_RE.test(res.data.ticket)
          ? res.data.ticket : null;
        if (r.action.type === 'none') { r.ok = false; r.error = { kind: 'client', message: self.messages.noTarget }; }
      } else {
        r.ok = false;
        r.error = failure(res, self.messages);
      }
      self.resolved[id] = r;
      delete self.inflight[id];
      return r;
    });
    this.inflight[id] = p;
    return p;
  };

  /* Resolve every shown entry that has no fresh answer (on show). */
  Client.prototype.resolveAll = function (force) {
    var self = this, now = this.o.now();
    return Promise.all(this.entries.filter(function (e) {
      var r = self.resolved[e.id];
      return force || !r || !r.ok || now - r.at >= self.o.maxAgeMs;
    }).map(function (e) { return self.resolve(e.id); }));
  };

  /*
   * A tap, answered at once: the action to take now (from the answer
   * resolved ahead), or 'wait' while it is being resolved. An answer older
   * than maxAgeMs is still used (the chat must open inside the tap) and
   * refreshed in the background.
   */
  Client.prototype.tap = function (id) {
    var r = this.resolved[id];
    delete this.acted[id];
    if (!r || !r.ok) {
      this.resolve(id);
      return { type: 'wait', message: this.messages.resolving, error: r && r.error };
    }
    if (this.o.now() - r.at >= this.o.maxAgeMs) this.resolve(id);
    this.acted[id] = r;
    return merge(r.action, { notice: r.notice, decision: r.decision, ticket: r.ticket });
  };

  function delay(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  /*
   * After the host has performed the action the last tap(id) returned:
   * commit that decision with POST /api/tap {ticket} (the quote from
   * /api/contact has no side effects; rotation, counts and sticky
   * assignments move only now). Fire and forget: the action never waits
   * for it and it never throws or rejects; the promise settles with what
   * happened, { sent, status, counted, retried }, for tests and logs.
   *
   * Not sent in compat mode (that server commits by itself), without a
   * ticket, or for an answer already reported (a second tap on the same
   * answer before a fresh one arrived). A network failure or a 5xx is sent
   * once more after reportRetryMs; a 4xx (bad or expired ticket) is not.
   * Once the server has answered (2xx or 4xx) the entry is resolved again
   * in the background, so the next tap has a fresh decision and ticket.
   */
  Client.prototype.report = function (id) {
    var self = this, r = this.acted[id];
    delete this.acted[id];
    if (this.o.compat || !r || !r.ticket || r.reported) return Promise.resolve({ sent: false });
    r.reported = true;
    var body = { ticket: r.ticket };
    function send() {
      return new Promise(function (resolve) {
        resolve(self.o.request('POST', self.url('/api/tap'), body));
      }).then(null, function () { return { status: 0, data: null }; });
    }
    function retryable(res) {
      return !res || !(res.status >= 200 && res.status < 500);
    }
    function settle(res, retried) {
      res = res || { status: 0, data: null };
      // Answered: ask again for the next tap. A request already under way
      // was quoted before this commit, so one more follows it.
      if (!retryable(res)) {
        var again = function () { self.resolve(id); };
        if (self.inflight[id]) self.inflight[id].then(again, again);
        else again();
      }
      return { sent: true, ticket: r.ticket, status: res.status, retried: retried,
        counted: ok(res) && res.data.counted === true };
    }
    return send().then(function (res) {
      if (!retryable(res)) return settle(res, false);
      return delay(self.o.reportRetryMs).then(send).then(function (res2) { return settle(res2, true); });
    }).then(null, function () { return { sent: true, ticket: r.ticket, status: 0, retried: false, counted: false }; });
  };

  return { Client: Client, actionFor: actionFor, compatAction: compatAction, MESSAGES: MESSAGES };
}));
