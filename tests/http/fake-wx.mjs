// A stand-in for the WeChat runtime, enough to run the kf-contact
// component in node: Component() captures the definition, `wx` records
// every call and makes wx.request real HTTP requests (to the test stack,
// unless told to fail), storage is a Map. Nothing here decides anything:
// the component and its logic module do.
import { createRequire } from 'node:module';
import { ROOT } from './lib.mjs';

const require = createRequire(import.meta.url);
let definition = null;
globalThis.Component = (def) => { definition = def; };
require(`${ROOT}/clients/miniprogram/components/kf-contact/kf-contact.js`);

export const KfRoute = require(`${ROOT}/clients/miniprogram/lib/kfroute.js`);

export function makeWx({ offline = false, loginCode = null, failOpen = false, failNavigate = false,
  storage = new Map() } = {}) {
  const wx = {
    calls: [], storage, offline, loginCode, failOpen, failNavigate,
    log(name, arg) { this.calls.push({ name, arg }); },
    called(name) { return this.calls.filter((c) => c.name === name).map((c) => c.arg); },
    request(o) {
      this.log('request', { method: o.method, url: o.url, data: o.data });
      if (this.offline) { setImmediate(() => o.fail({ errMsg: 'request:fail' })); return; }
      let url = o.url;
      const init = { method: o.method, headers: { ...(o.header || {}) } };
      if (o.method === 'GET' && o.data) url += (url.includes('?') ? '&' : '?') + new URLSearchParams(o.data);
      else if (o.data) init.body = JSON.stringify(o.data);
      fetch(url, init).then(async (res) => {
        let data = await res.text();
        try { data = JSON.parse(data); } catch { /* wx gives the text */ }
        o.success({ statusCode: res.status, data });
      }, () => o.fail({ errMsg: 'request:fail' }));
    },
    getStorageSync(k) { return this.storage.has(k) ? this.storage.get(k) : ''; },
    setStorageSync(k, v) { this.storage.set(k, JSON.parse(JSON.stringify(v))); },
    login(o) {
      this.log('login', {});
      if (this.loginCode) o.success({ code: this.loginCode });
      else o.fail({ errMsg: 'login:fail' });
    },
    showToast(o) { this.log('showToast', o); },
    navigateTo(o) {
      this.log('navigateTo', o);
      if (this.failNavigate) o.fail && o.fail({ errMsg: 'navigateTo:fail' });
    },
    openCustomerServiceChat(o) {
      this.log('openCustomerServiceChat', o);
      if (this.failOpen) o.fail && o.fail({ errMsg: 'openCustomerServiceChat:fail' });
    },
  };
  return wx;
}

// Every instance mounted so far (see quiesce).
const mounted = [];

// Wait until no instance has a tap report (with its retry) or an answer
// still on its way: the component calls the global `wx`, so work left over
// from one test would otherwise be recorded by the next test's stand-in.
export async function quiesce() {
  for (const inst of mounted.splice(0)) await inst.settled();
}

// One component instance as the framework would make it: properties with
// their defaults, data, setData (recorded), methods bound, attached().
// inst.reports has every tap report's promise (the component keeps only
// the last, as inst.reported); inst.settled() waits for all of them and
// for any answer under way (a reported tap asks for a fresh answer).
export async function mount(wx, props = {}) {
  globalThis.wx = wx;
  const inst = { data: JSON.parse(JSON.stringify(definition.data)), history: [], events: [] };
  inst.properties = {};
  for (const [k, v] of Object.entries(definition.properties)) inst.properties[k] = k in props ? props[k] : v.value;
  inst.setData = (patch) => { Object.assign(inst.data, patch); inst.history.push({ ...patch }); };
  inst.triggerEvent = (name, detail) => inst.events.push({ name, detail });
  for (const [k, fn] of Object.entries(definition.methods)) inst[k] = fn.bind(inst);
  inst.reports = [];
  inst.settled = async () => {
    let n;
    do { n = inst.reports.length; await Promise.all(inst.reports); } while (inst.reports.length !== n);
    for (let p = Object.values(inst.client.inflight); p.length; p = Object.values(inst.client.inflight)) {
      await Promise.all(p);
    }
  };
  mounted.push(inst);
  definition.lifetimes.attached.call(inst);
  const report = inst.client.report;
  inst.client.report = function (id) {
    const p = report.call(this, id);
    inst.reports.push(p);
    return p;
  };
  await inst.ready;
  inst.show = () => definition.pageLifetimes.show.call(inst);
  inst.tap = (id) => inst.onTap({ currentTarget: { dataset: { id } } });
  return inst;
}
