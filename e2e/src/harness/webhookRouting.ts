// Delivers the twin's webhooks for a public host (the deployed environment's `<domain>`) to a local
// URL, keeping the signature over the public URL, as a DNS entry would. Stopgap glue: the twin's
// WebhookDispatcher has no host → local URL mapping yet (asked of the twin; see e2e/README.md), so
// this wraps its one HTTP primitive. Signing happens before that primitive, so it is untouched.
import type { TwinEngine } from "@flex-call-recovery/twin/src/engine/integration";

type HttpPrimitive = (
  method: string,
  url: string,
  headers: Record<string, string>,
  payload: string | null,
) => Promise<unknown>;

/** Rewrites `https://<host>/<path>` to `<base>/<path>` for each host of `routes`. */
export function rewriteUrl(url: string, routes: Record<string, string>): string {
  const target = new URL(url);
  const base = routes[target.host];
  if (!base) return url;
  return `${base.replace(/\/+$/, "")}${target.pathname}${target.search}`;
}

export function routeWebhooks(engine: TwinEngine, routes: Record<string, string>): void {
  const dispatcher = engine.webhooks as unknown as { httpRequest: HttpPrimitive };
  const original = dispatcher.httpRequest.bind(dispatcher);
  dispatcher.httpRequest = (method, url, headers, payload) =>
    original(method, rewriteUrl(url, routes), headers, payload);
}
