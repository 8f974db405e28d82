// A scripted day of WeCom legs (kf_wecom_leg: one row per person a chat
// was given to) for the response-time numbers, shared by the API, kfctl
// and browser suites, with the numbers they must show worked out by hand.
//
// The suites own kf_wecom_leg while they run (suite files run one after
// another): every leg is deleted first, so the totals are these legs'.
import { sql } from './lib.mjs';

export const KFID = 'wkLifeTest';
export const ENTRIES = { lc_pre: '售前微信', lc_post: '售后微信' };
export const AGENTS = { lc_a1: '阿明', lc_a2: '小芳', lc_a3: '大伟' };

// Seconds from the chat's assignment (queued: before it). The ten legs
// lie 3 hours ago; the eleventh 33 hours ago (outside the last 24 h).
//   entry    person  via        queued reply  end  reason
const LEGS = [
  ['lc_pre', 'lc_a1', 'handoff', null, 10, 300, 'ended'],	// 1
  ['lc_pre', 'lc_a1', 'handoff', null, 30, 600, 'ended'],	// 2
  ['lc_pre', 'lc_a1', 'pool', 40, 20, 200, 'ended'],		// 3
  ['lc_pre', 'lc_a2', 'handoff', null, null, 120, 'missed'],	// 4
  ['lc_pre', 'lc_a2', 'reroute', null, 50, 400, 'ended'],	// 5 (after 4)
  ['lc_pre', 'lc_a3', 'hold', 100, 5, 60, 'transferred'],	// 6
  ['lc_post', 'lc_a2', 'handoff', null, 70, null, null],	// 7 still open
  ['lc_post', 'lc_a3', 'handoff', null, null, 90, 'taken_back'],	// 8
  ['lc_post', 'lc_a1', 'take_back', null, 15, 120, 'ended'],	// 9 (after 8)
  ['lc_post', 'lc_a3', 'widen', 300, 25.4, 900, 'ended'],	// 10
];
const OLD = ['lc_pre', 'lc_a1', 'handoff', null, 1000, 3600, 'ended'];	// 11

// p50/p90 interpolate linearly: sorted x[0..n-1], position (n-1)p, e.g.
// n = 8, p90: 6.3 -> x6 + 0.3 (x7 - x6).
const row = (chats, answered, fr, handled, ht, missed, takenBack, rerouted, widened, queued, qw) => ({
  chats, answered, first_response_p50: fr[0], first_response_p90: fr[1], handled,
  handling_p50: ht[0], handling_p90: ht[1], missed, taken_back: takenBack, rerouted, widened,
  queued, queue_wait_p50: qw[0], queue_wait_p90: qw[1],
});

// The last 24 hours (legs 1-10).
export const EXPECT = {
  // first response 5 10 15 20 25.4 30 50 70: p50 (20+25.4)/2 = 22.7,
  //   p90 at 6.3: 50 + 0.3*20 = 56; handling (ended, answered: 1 2 3 5 9
  //   10) 120 200 300 400 600 900: p50 350, p90 at 4.5: 600 + 0.5*300 =
  //   750; queue (3 6 10) 40 100 300: p50 100, p90 at 1.8: 100 + 0.8*200
  //   = 260; missed 4, taken back 8, rerouted 5 9, widened 10.
  total: row(10, 8, [22.7, 56], 6, [350, 750], 1, 1, 2, 1, 3, [100, 260]),
  entries: [
    // 1-6: first 5 10 20 30 50: p50 20, p90 at 3.6: 30 + 0.6*20 = 42;
    //   handling 200 300 400 600: 350, at 2.7: 400 + 0.7*200 = 540;
    //   queue 40 100: 70, 40 + 0.9*60 = 94.
    { id: 'lc_pre', label: '售前微信', ...row(6, 5, [20, 42], 4, [350, 540], 1, 0, 1, 0, 2, [70, 94]) },
    // 7-10: first 15 25.4 70: 25.4, at 1.8: 25.4 + 0.8*44.6 = 61.08;
    //   handling 120 900: 510, 120 + 0.9*780 = 822; queue 300.
    { id: 'lc_post', label: '售后微信', ...row(4, 3, [25.4, 61.1], 2, [510, 822], 0, 1, 1, 1, 1, [300, 300]) },
  ],
  agents: [
    // 1 2 3 9: first 10 15 20 30: 17.5, at 2.7: 20 + 0.7*10 = 27;
    //   handling 120 200 300 600: 250, 300 + 0.7*300 = 510; queue 40.
    { id: 'lc_a1', name: '阿明', ...row(4, 4, [17.5, 27], 4, [250, 510], 0, 0, 1, 0, 1, [40, 40]) },
    // 4 5 7: first 50 70: 60, 50 + 0.9*20 = 68; handling 400; no queue.
    { id: 'lc_a2', name: '小芳', ...row(3, 2, [60, 68], 1, [400, 400], 1, 0, 1, 0, 0, [null, null]) },
    // 6 8 10: first 5 25.4: 15.2, 5 + 0.9*20.4 = 23.36; handling 900;
    //   queue 100 300: 200, 100 + 0.9*200 = 280.
    { id: 'lc_a3', name: '大伟', ...row(3, 2, [15.2, 23.4], 1, [900, 900], 0, 1, 0, 1, 2, [200, 280]) },
  ],
};

// The last 48 hours add leg 11 (first response 1000, handling 3600):
// first 5 10 15 20 25.4 30 50 70 1000: p50 25.4, p90 at 7.2: 70 +
// 0.2*930 = 256; handling 120 200 300 400 600 900 3600: p50 400, p90 at
// 5.4: 900 + 0.4*2700 = 1980.
export const EXPECT_48H = row(11, 9, [25.4, 256], 7, [400, 1980], 1, 1, 2, 1, 3, [100, 260]);

const at = (base, s) => (s === null ? 'NULL' : `FROM_UNIXTIME(${base}) + INTERVAL ${Math.round(s * 1e6)} MICROSECOND`);

function legSql(i, [entry, agent, via, queued, reply, end, reason], base) {
  return `('${KFID}', 'lc-u${i}', '${entry}', '${agent}', '${via}', `
    + `${queued === null ? 'NULL' : at(base, -queued)}, FROM_UNIXTIME(${base}), ${at(base, reply)}, `
    + `${at(base, end)}, ${reason === null ? 'NULL' : `'${reason}'`})`;
}

export function cleanupLegs() {
  sql(`DELETE FROM kf_wecom_leg;
    DELETE FROM kf_entry WHERE id IN (${Object.keys(ENTRIES).map((id) => `'${id}'`).join(', ')});
    DELETE FROM kf_agent WHERE id IN (${Object.keys(AGENTS).map((id) => `'${id}'`).join(', ')});`);
}

// The entries, the people and the eleven legs; now: unix seconds.
export function insertLegs(now = Math.floor(Date.now() / 1000)) {
  cleanupLegs();
  sql(`INSERT INTO kf_entry (id, label, target_type, target) VALUES ${Object.entries(ENTRIES)
    .map(([id, label]) => `('${id}', '${label}', 'wecom_kf', '${KFID}')`).join(', ')}`);
  sql(`INSERT INTO kf_agent (id, display_name) VALUES ${Object.entries(AGENTS)
    .map(([id, name]) => `('${id}', '${name}')`).join(', ')}`);
  const rows = LEGS.map((l, i) => legSql(i + 1, l, now - 3 * 3600));
  rows.push(legSql(11, OLD, now - 33 * 3600));
  sql(`SET time_zone = '+00:00'; INSERT INTO kf_wecom_leg (open_kfid, external_userid, entry_id, agent_id, via,
    queued_at, assigned_at, first_reply_at, ended_at, end_reason) VALUES ${rows.join(', ')}`);
}
