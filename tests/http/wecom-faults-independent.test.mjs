// wecom-faults.test.mjs again, against the independently written fake WeCom
// (tests/fake-wecom/independent.mjs, from the reference alone): a
// misreading of WeCom baked into one fake fails here or there.
process.env.KF_FAKE = 'independent';
await import('./wecom-faults.test.mjs');
