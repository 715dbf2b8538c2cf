/* global window */
// Served at the Sync chunk's URL in the browser test: same export as the real chunk, but fed by
// the harness instead of Twilio's Sync service (no network here). It still fetches the token.
export function createStateWatcher(fetchToken) {
  return {
    async watch(conferenceSid, listener) {
      await fetchToken();
      return window.harness.subscribeState(conferenceSid, listener);
    },
    async shutdown() {},
  };
}
