// Web targets (entries of type url) open here: the address comes from
// kfroute's answer; it must also be on the mini-program's business-domain
// list in the WeChat console.
Page({
  data: { url: '' },
  onLoad: function (options) {
    this.setData({ url: decodeURIComponent(options.url || '') });
  },
});
