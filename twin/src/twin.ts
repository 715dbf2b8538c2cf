// The running twin: its accounts, clock, event hooks, request middleware, request log, spec
// validator, control API and HTTP server. `startTwin` (index.ts) builds one.
import { appendFileSync } from "fs";
import { createServer, Server } from "http";
import type { AddressInfo } from "net";
import { Clock, RealClock } from "./clock";
import { addCoreControlRoutes, ControlApi } from "./control/api";
import { TwinEvents } from "./domainEvents";
import { RequestHooks } from "./hooks";
import type { Route } from "./http/router";
import { Router } from "./http/router";
import { RequestLog } from "./requestLog";
import { ALL_ROUTES } from "./routes";
import { requestListener } from "./server";
import type { SpecValidator } from "./spec/validator";
import { AccountStore } from "./store";
import { FlexAccountSeed, seedFlexAccount } from "./flexAccount";
import type { TwinEngine } from "./engine";

/** The twin's default test account (AC + 32 hex) and auth token (32 alphanumerics, as twilio-run demands). */
export const DEFAULT_ACCOUNT_SID = "AC00000000000000000000000000000007";
export const DEFAULT_AUTH_TOKEN = "twinAuthToken0123456789abcdefABC";

export interface TwinOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  accountSid?: string;
  authToken?: string;
  clock?: Clock;
  /**
   * Check every request and answer against Twilio's OpenAPI description. Defaults to on under
   * jest (JEST_WORKER_ID set) unless TWIN_VALIDATE=0, so every test in the repo runs validated.
   */
  validateAgainstSpec?: boolean;
  /** Seed what a new Flex account holds (workspace, queue, workflow, default Sync service); default false. */
  flexAccount?: boolean;
}

export class Twin {
  readonly accountSid: string;
  readonly authToken: string;
  readonly clock: Clock;
  /** The behaviour engine `attachEngine` set; without one the twin stores and answers only. */
  engine: TwinEngine | undefined = undefined;
  /** Domain events of every account (taskCreated, callUpdated, ...), for observers. */
  readonly events = new TwinEvents();
  /** Request middleware (fault injection, latency). */
  readonly hooks = new RequestHooks();
  readonly requestLog = new RequestLog();
  /**
   * Twilio's REST API concurrency limit per account (error 20429, HTTP 429: "your account exceeds
   * allowed concurrency to Twilio's REST API", https://www.twilio.com/docs/api/errors/20429): a
   * request arriving while this many of the same account are in flight is answered 429 and not
   * processed. Null = off (default). Twilio does not publish the number; 100 is what public
   * write-ups report as the default, a best reading.
   */
  concurrencyLimit: number | null = null;
  /** Requests in flight per account SID (or API key) as they authenticate. */
  readonly inFlight = new Map<string, number>();
  readonly control = new ControlApi();
  readonly router = new Router(ALL_ROUTES);
  readonly validator: SpecValidator | null;
  // Accounts by account SID; the twin serves one unless a test adds more.
  private accounts = new Map<string, AccountStore>();
  /** Called after every reset (the behaviour engine clears its own state there). */
  private readonly resetListeners = new Set<() => void>();
  private server: Server | null = null;
  private readonly seedFlex: boolean;
  /** SIDs of the seeded Flex account (default account), when `flexAccount` is on. */
  flexSeed: FlexAccountSeed | null = null;
  private url = "";

  constructor(options: TwinOptions = {}) {
    this.accountSid = options.accountSid ?? DEFAULT_ACCOUNT_SID;
    this.authToken = options.authToken ?? DEFAULT_AUTH_TOKEN;
    this.clock = options.clock ?? new RealClock();
    const validate =
      options.validateAgainstSpec ?? (process.env.JEST_WORKER_ID !== undefined && process.env.TWIN_VALIDATE !== "0");
    // Required lazily: ajv is a dev dependency, not needed by `npm run twin`.
    this.validator = validate
      ? new (require("./spec/validator") as typeof import("./spec/validator")).SpecValidator()
      : null;
    this.seedFlex = options.flexAccount ?? false;
    this.addAccount(this.accountSid, this.authToken);
    addCoreControlRoutes(this.control);
  }

  get baseUrl(): string {
    return this.url;
  }

  /** The default account's store. */
  get store(): AccountStore {
    return this.accounts.get(this.accountSid)!;
  }

  account(accountSid: string): AccountStore | undefined {
    return this.accounts.get(accountSid);
  }

  addAccount(accountSid: string, authToken: string): AccountStore {
    if (!/^AC[0-9a-f]{32}$/.test(accountSid))
      throw new Error(`twin: account SID must be AC + 32 hex, got ${accountSid}`);
    const store = new AccountStore(accountSid, authToken, {
      accountSid,
      clock: this.clock,
      events: this.events,
      engine: () => this.engine,
    });
    this.accounts.set(accountSid, store);
    if (this.seedFlex && accountSid === this.accountSid) this.flexSeed = seedFlexAccount(store);
    return store;
  }

  /** The account a Basic-auth pair authenticates (account SID + token, or API key + secret). */
  authenticate(username: string, password: string): AccountStore | null {
    for (const account of this.accounts.values()) if (account.authenticates(username, password)) return account;
    return null;
  }

  routes(): Route[] {
    return this.router.routes();
  }

  routeSummary(): { method: string; host: string; path: string; operation: string }[] {
    return this.routes().map(({ method, host, path, operation }) => ({ method, host, path, operation }));
  }

  /** Empties every account (same credentials), the request log and validation failures; keeps listeners and middleware. */
  reset(): void {
    const previous = [...this.accounts.values()];
    this.accounts = new Map();
    for (const account of previous) {
      account.dispose();
      this.addAccount(account.accountSid, account.authToken);
    }
    this.requestLog.clear();
    // Whoever keeps state beside the stores (the behaviour engine) forgets it too.
    for (const listener of [...this.resetListeners]) listener();
  }

  /** Calls `listener` after every `reset()` (also `POST /_twin/reset`); returns the unsubscribe. */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  async listen(port = 0, host = "127.0.0.1"): Promise<void> {
    const server = createServer(requestListener(this));
    // Keep-alive sockets would hold `stop()` open; clients reconnect cheaply on localhost.
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}`;
  }

  async stop(): Promise<void> {
    for (const account of this.accounts.values()) account.dispose();
    const report = process.env.TWIN_VALIDATION_REPORT;
    if (report && this.validator) appendFileSync(report, `${JSON.stringify(this.validator.stats)}\n`);
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
