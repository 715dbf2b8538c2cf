// Entry of the lazily loaded Sync chunk: follows conference state documents with twilio-sync.
// twilio-sync is ~94 KB min+gzip and not tree-shakeable, so it stays out of the main bundle and
// is fetched only when an agent actually has a recovery to follow.
import { SyncClient } from "twilio-sync";
import { stateDocumentName, type ConferenceState } from "@flex-call-recovery/vocabulary";
import type { StateListener, Unsubscribe } from "../recovery/types";

export interface StateWatcher {
  watch(conferenceSid: string, listener: StateListener): Promise<Unsubscribe>;
  shutdown(): Promise<void>;
}

/**
 * `fetchToken` mints a Sync token for the agent (flex/sync-token); it is called again before expiry.
 * `region` is the account's Twilio region (e.g. "au1"; undefined = us1), as Flex reports it.
 */
export function createStateWatcher(fetchToken: () => Promise<string>, region?: string): StateWatcher {
  let client: Promise<SyncClient> | null = null;

  function connect(): Promise<SyncClient> {
    client ??= fetchToken().then((token) => {
      const sync = new SyncClient(token, region ? { region } : {});
      const refresh = () =>
        fetchToken()
          .then((fresh) => sync.updateToken(fresh))
          .catch((error) => console.error("[flex-call-recovery] Sync token refresh failed", error));
      sync.on("tokenAboutToExpire", refresh);
      sync.on("tokenExpired", refresh);
      return sync;
    });
    // A failed start must not poison later attempts.
    client.catch(() => (client = null));
    return client;
  }

  return {
    async watch(conferenceSid, listener) {
      const sync = await connect();
      // Read-only for the agent (the service has ACLs on); the functions create the document.
      const document = await sync.document({ id: stateDocumentName(conferenceSid), mode: "open_existing" });
      listener(document.data as ConferenceState);
      document.on("updated", (event) => listener(event.data as ConferenceState));
      document.on("removed", () => listener(null));
      return () => document.close();
    },
    async shutdown() {
      const open = client;
      client = null;
      if (open) await (await open).shutdown();
    },
  };
}
