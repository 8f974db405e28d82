// lifecycle.test.mjs again, against the independently written fake WeCom
// (tests/fake-wecom/independent.mjs, from the reference alone): which code
// may send what, after which move, is where the two readings could part.
process.env.KF_FAKE = 'independent';
await import('./lifecycle.test.mjs');
