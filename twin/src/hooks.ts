// Request middleware: code outside the REST handlers (fault injection and latency, faults.ts)
// wraps every Twilio API call without editing a handler. Middleware runs
// after the route is matched and before authentication, in registration order (onion style):
// call `next()` to go on, or return a response of your own (e.g. a 429) to answer instead.
import type { HttpMethod, Route, TwinResponse } from "./http/router";

export interface RequestInfo {
  method: HttpMethod | string;
  host: string;
  path: string;
  /** The matched route, or null when no route matched (the answer will be a 404/405). */
  route: Route | null;
  params: Record<string, string>;
  correlationId: string | null;
  headers: Record<string, string | string[] | undefined>;
  /** Form or JSON parameters. */
  body: Record<string, unknown>;
}

export type RequestMiddleware = (request: RequestInfo, next: () => Promise<TwinResponse>) => Promise<TwinResponse>;

export class RequestHooks {
  private readonly middleware = new Set<RequestMiddleware>();

  /** Adds a middleware; returns a function that removes it. */
  use(mw: RequestMiddleware): () => void {
    this.middleware.add(mw);
    return () => this.middleware.delete(mw);
  }

  /** Runs the chain around `handle`. */
  run(request: RequestInfo, handle: () => Promise<TwinResponse>): Promise<TwinResponse> {
    const chain = [...this.middleware];
    const step = (i: number): Promise<TwinResponse> =>
      i < chain.length ? chain[i](request, () => step(i + 1)) : handle();
    return step(0);
  }
}
