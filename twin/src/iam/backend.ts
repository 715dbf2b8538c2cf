// Flex tokens the twin issued to simulated agents, and their validation (what iam's
// `Tokens/validate` does for real Flex JWTs). Tokens are opaque strings here: no client decodes
// a Flex token, they only send it to iam.
import { randomBytes } from "crypto";
import type { BackendContext } from "../store";
import { InvalidTokenError } from "./errors";

export interface FlexToken {
  token: string;
  workerSid: string;
  identity: string;
  roles: string[];
  /** The SSO user id Flex puts in `realm_user_id`. */
  realmUserId: string;
  expiresAt: Date;
}

export class IamBackend {
  // Issued tokens by token text.
  private readonly tokens = new Map<string, FlexToken>();

  constructor(private readonly ctx: BackendContext) {}

  /** Control API: a token for a worker, valid `ttlSeconds` (default one hour, as Flex's). */
  issueFlexToken(input: { workerSid: string; identity?: string; roles?: string[]; ttlSeconds?: number }): FlexToken {
    const identity = input.identity ?? input.workerSid;
    const token: FlexToken = {
      token: `twin-flex-${randomBytes(24).toString("base64url")}`,
      workerSid: input.workerSid,
      identity,
      roles: input.roles ?? ["agent"],
      realmUserId: identity,
      expiresAt: new Date(this.ctx.clock.now().getTime() + (input.ttlSeconds ?? 3600) * 1000),
    };
    this.tokens.set(token.token, token);
    return token;
  }

  /** iam `Tokens/validate`. */
  validateToken(token: string): FlexToken {
    const found = this.tokens.get(token);
    if (!found) throw new InvalidTokenError("unknown token");
    if (found.expiresAt.getTime() <= this.ctx.clock.now().getTime()) throw new InvalidTokenError("token expired");
    return found;
  }
}
