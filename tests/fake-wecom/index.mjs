// The fake WeCom the suites run against: fake.mjs, or with
// KF_FAKE=independent the second one (independent.mjs), written apart from
// it from shared/reference/wecom-kf.md alone, so that a misreading of
// WeCom baked into one fake shows up as a failure with the other.
const impl = process.env.KF_FAKE === 'independent'
  ? await import('./independent.mjs') : await import('./fake.mjs');

export const { loadCerts, startFakeWecom, wxEncrypt, wxSign } = impl;
// A small real PNG (the 小程序码 both fakes answer).
export { pngOf } from './fake.mjs';
