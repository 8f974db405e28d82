// The example mini-program: set kfrouteBase to your kfroute server.
App({
  globalData: { kfrouteBase: 'https://kf.example.com' },
});
