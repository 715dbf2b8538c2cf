// API keys (2010 `Keys`): a key's secret is returned once, at creation; afterwards the key SID
// and secret authenticate like the account SID and auth token.
import { randomBytes } from "crypto";
import { newSid } from "../http/sids";
import type { BackendContext } from "../store";
import { type Dated, insert, patch, stamped } from "../util";
import { found } from "../http/errors";

export interface ApiKey extends Dated {
  sid: string;
  friendlyName: string | null;
  /** Never serialised after creation. */
  secret: string;
}

export class KeysBackend {
  // Keys by SID (SK...).
  private readonly keys = new Map<string, ApiKey>();

  constructor(private readonly ctx: BackendContext) {}

  /** The only answer that carries the secret (NewKey in the spec). */
  createNewKey(input: { friendlyName?: string }): ApiKey {
    const now = this.ctx.clock.now();
    return insert(this.keys, {
      sid: newSid("SK"),
      friendlyName: input.friendlyName ?? null,
      secret: randomBytes(24).toString("base64url").slice(0, 32),
      ...stamped(now),
    });
  }

  /** Never exposes the secret. */
  fetchKey(sid: string): ApiKey {
    return found(this.keys.get(sid), `/2010-04-01/Accounts/${this.ctx.accountSid}/Keys/${sid}.json`);
  }

  /** Creation order. */
  listKey(): ApiKey[] {
    return [...this.keys.values()];
  }

  /** Only the friendly name can change; rotating means a new key. */
  updateKey(sid: string, input: { friendlyName?: string }): ApiKey {
    return patch(this.fetchKey(sid), input, this.ctx.clock.now());
  }

  /** A deleted key stops authenticating at once. */
  deleteKey(sid: string): void {
    this.fetchKey(sid);
    this.keys.delete(sid);
  }

  /** Whether `sid`/`secret` is one of this account's keys. */
  authenticates(sid: string, secret: string): boolean {
    return this.keys.get(sid)?.secret === secret;
  }
}
