// An example page: one kf-contact for the "home" scene. baseUrl is the
// kfroute server (on the request-domain list in the WeChat console).
var app = getApp();

Page({
  data: { baseUrl: app.globalData.kfrouteBase },
  onContact: function (e) {
    // Each tap's outcome, e.g. for the business's own analytics.
    console.log('kf-contact', e.detail.entry, e.detail.action);
  },
});
