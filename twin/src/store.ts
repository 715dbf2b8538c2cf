// One store object per account (docs/development.md#conventions): each field is one product's backend, which owns that
// product's state for this account. `dispose()` cancels the account's timers (TTLs, builds).
import type { Clock } from "./clock";
import type { TwinEngine } from "./engine";
import type { TwinEvents } from "./domainEvents";
import { EventStreamsBackend } from "./events/backend";
import { FlexBackend } from "./flex/backend";
import { IamBackend } from "./iam/backend";
import { KeysBackend } from "./keys/backend";
import { ServerlessBackend } from "./serverless/backend";
import { SyncBackend } from "./sync/backend";
import { TaskRouterBackend } from "./taskrouter/backend";
import { VoiceBackend } from "./voice/backend";

export interface BackendContext {
  accountSid: string;
  clock: Clock;
  events: TwinEvents;
  /** The behaviour attached to the twin (routing, voice, Flex), if any: backends call it directly. */
  engine: () => TwinEngine | undefined;
}

export class AccountStore {
  /** TaskRouter: workspaces and their activities, channels, workers, queues, workflows, tasks, reservations. */
  readonly taskrouter: TaskRouterBackend;
  /** Sync: services, documents (revisions, TTLs), document permissions. */
  readonly sync: SyncBackend;
  /** Serverless: services, environments, functions, assets, versions, builds, deployments, variables. */
  readonly serverless: ServerlessBackend;
  /** Event Streams: sinks and subscriptions. */
  readonly eventStreams: EventStreamsBackend;
  /** Flex: Plugins API (plugins, versions, configurations, releases) and the Flex configuration. */
  readonly flex: FlexBackend;
  /** Voice (2010): calls, conferences, participants. */
  readonly voice: VoiceBackend;
  /** 2010 API keys (SK...), which also authenticate. */
  readonly keys: KeysBackend;
  /** iam: Flex tokens issued to simulated agents (what Tokens/validate accepts). */
  readonly iam: IamBackend;

  constructor(
    readonly accountSid: string,
    /** The credential the account authenticates with (Basic auth password). */
    readonly authToken: string,
    private readonly ctx: BackendContext,
  ) {
    this.taskrouter = new TaskRouterBackend(ctx);
    this.sync = new SyncBackend(ctx);
    this.serverless = new ServerlessBackend(ctx);
    this.eventStreams = new EventStreamsBackend(ctx);
    this.flex = new FlexBackend(ctx);
    this.voice = new VoiceBackend(ctx);
    this.keys = new KeysBackend(ctx);
    this.iam = new IamBackend(ctx);
  }

  get clock(): Clock {
    return this.ctx.clock;
  }

  /** Checks Basic-auth credentials: the auth token, or an API key (SK...) and its secret. */
  authenticates(username: string, password: string): boolean {
    if (username === this.accountSid) return password === this.authToken;
    return username.startsWith("SK") && this.keys.authenticates(username, password);
  }

  dispose(): void {
    this.sync.dispose();
  }
}
