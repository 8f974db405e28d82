// What the views share: the logged-in user, the lists pickers offer, the
// running view's stop function, and the flash message line. Agents and
// entries may number 10,000 and 100,000: never loaded whole, their names
// are remembered as pages bring them and asked for by id (?ids=) when a
// view shows ids it has not seen.
import { get } from './api.js';

export const state = { me: null, groups: [], schedules: [], stop: null,
  names: { agents: new Map(), entries: new Map() } };

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

// Groups (a thousand at most) and schedules are few: loaded whole.
export async function loadLists() {
  const [g, s] = await Promise.all([get('groups'), get('schedules')]);
  state.groups = g.items;
  state.schedules = s.items;
}

const NAME_OF = { agents: 'display_name', entries: 'label' };

// Rows a page brought: their names, for the views that show ids.
export function remember(kind, items) {
  for (const x of items) state.names[kind].set(x.id, x[NAME_OF[kind]]);
}

// The names of ids not seen yet, asked for 100 at a time (a URL of 100
// ids of 64 characters stays under the web server's 8 KB); ids that do
// not exist (a deleted agent in the audit log) stay ids.
export async function resolve(kind, ids) {
  const want = [...new Set(ids.filter((id) => id && !state.names[kind].has(id)))];
  for (let i = 0; i < want.length; i += 100) {
    const part = want.slice(i, i + 100);
    try {
      remember(kind, (await get(`${kind}?ids=${part.map(encodeURIComponent).join(',')}`)).items);
    } catch { return; }
    for (const id of part) if (!state.names[kind].has(id)) state.names[kind].set(id, null);
  }
}

// Searching as one types: the first page of matches (an id's start or
// part of the name), as [id, "name(id)"] choices.
export async function search(kind, q) {
  const r = await get(q ? `${kind}?q=${encodeURIComponent(q)}` : kind);
  remember(kind, r.items);
  return r.items.map((x) => [x.id, `${x[NAME_OF[kind]]}(${x.id})`]);
}

const named = (kind, id) => {
  const n = state.names[kind].get(id);
  return n ? `${n}(${id})` : id;
};
export const agentName = (id) => named('agents', id);
export const entryName = (id) => named('entries', id);
