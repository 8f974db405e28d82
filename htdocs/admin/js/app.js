// The admin page: login, the navigation between views (location.hash),
// flash messages. Each view lives in its own module.
import { h, clear } from './dom.js';
import { get, post, setCsrf } from './api.js';
import { entriesView, agentsView, groupsView, rulesView, schedulesView } from './tables.js';
import { customersView, ordersView } from './data.js';
import { wecomView } from './wecom.js';
import { presenceView } from './presence.js';
import { previewView } from './preview.js';
import { statsView } from './stats.js';
import { auditView } from './audit.js';
import { state, flash, clearFlash, loadLists } from './state.js';
import { operatorsView } from './operators.js';

const VIEWS = {
  entries: entriesView, agents: agentsView, groups: groupsView, rules: rulesView,
  schedules: schedulesView, customers: customersView, orders: ordersView, wecom: wecomView,
  presence: presenceView, preview: previewView, stats: statsView, audit: auditView,
  operators: operatorsView,
};

const $ = (id) => document.getElementById(id);

function showLogin() {
  state.me = null;
  if (state.stop) { state.stop(); state.stop = null; }
  document.querySelectorAll('dialog').forEach((d) => d.remove());
  $('nav').hidden = true;
  $('who').hidden = true;
  $('view').hidden = true;
  $('login').hidden = false;
  $('login-form').elements.username.focus();
}

function showApp(me) {
  state.me = me;
  setCsrf(me.csrf);
  $('login').hidden = true;
  $('nav').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = `${me.username}(${me.role === 'admin' ? '管理员' : '只读'})`;
  $('view').hidden = false;
  $('nav-operators').hidden = me.role !== 'admin'; // admins only
  route();
}

// Each navigation gets a number: a view whose data arrives after a newer
// navigation started is dropped, so two quick clicks (or a hash change
// right after login) never leave two views, or the wrong stop function.
let generation = 0;

async function route() {
  if (!state.me) return;
  const gen = ++generation;
  const name = (location.hash || '#entries').slice(1).split('?')[0];
  const view = VIEWS[name] || entriesView;
  if (state.stop) { state.stop(); state.stop = null; }
  clearFlash();
  document.querySelectorAll('dialog').forEach((d) => d.remove());
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.getAttribute('href') === `#${name}`));
  const root = clear($('view'));
  root.dataset.view = name;
  try {
    await loadLists();
    if (gen !== generation) return;
    const stop = await view(root);
    if (gen !== generation) {
      if (typeof stop === 'function') stop();
      return;
    }
    state.stop = typeof stop === 'function' ? stop : null;
  } catch (e) {
    if (gen === generation) root.appendChild(h('p.error', { role: 'alert' }, e.message));
  }
}

async function login(ev) {
  ev.preventDefault();
  const f = ev.target;
  $('login-error').textContent = '';
  try {
    const me = await post('login', { username: f.elements.username.value, password: f.elements.password.value });
    f.elements.password.value = '';
    showApp(me);
  } catch (e) {
    $('login-error').textContent = e.message;
  }
}

async function logout() {
  try { await post('logout'); } catch { /* the session may be gone already */ }
  showLogin();
}

async function start() {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  window.addEventListener('kf-logged-out', () => { if (state.me) { flash('登录已过期,请重新登录', 'error'); showLogin(); } });
  try { showApp(await get('me')); } catch { showLogin(); }
}

start();
