/* global window */
// Served at the Sync chunk's URL in the browser test: a classic script registering the same export
// as the real chunk, fed by the harness instead of Twilio's Sync service (no network here). It
// still fetches the token, and records the region the plugin passed.
(function () {
  "use strict";
  const registry = (window.__flexCallRecoveryChunks = window.__flexCallRecoveryChunks || {});
  registry.sync = {
    createStateWatcher(fetchToken, region) {
      window.harness.record.syncRegion = region;
      return {
        async watch(conferenceSid, listener) {
          await fetchToken();
          return window.harness.subscribeState(conferenceSid, listener);
        },
        async shutdown() {},
      };
    },
  };
})();
