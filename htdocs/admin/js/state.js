// What the views share: the logged-in user, the lists pickers offer, the
// running view's stop function, and the flash message line.
import { get } from './api.js';

export const state = { me: null, agents: [], groups: [], schedules: [], entries: [], stop: null };

let flashTimer = null;
export function flash(text, kind = 'ok') {
  const el = document.getElementById('flash');
  el.textContent = text;
  el.className = `flash ${kind}`;
  el.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => { el.hidden = true; }, kind === 'error' ? 8000 : 3000);
}

// The operator's next action (a submit, opening a dialog, another view)
// makes the last message stale: a green "已新增" must not stand above a
// later error.
export function clearFlash() {
  const el = document.getElementById('flash');
  clearTimeout(flashTimer);
  el.textContent = '';
  el.hidden = true;
}

export async function loadLists() {
  const [a, g, s, e] = await Promise.all([get('agents'), get('groups'), get('schedules'), get('entries')]);
  state.agents = a.items;
  state.groups = g.items;
  state.schedules = s.items;
  state.entries = e.items;
}

export function agentName(id) {
  const a = state.agents.find((x) => x.id === id);
  return a ? `${a.display_name}(${id})` : id;
}
