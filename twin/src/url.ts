// How clients reach the offline Twilio twin: the package's `./url` entry. A Twilio URL
// `https://<host>/<path>` becomes `<twinBaseUrl>/<host>/<path>`: the host stays in the path because
// products share paths (`/v1/Services` is Sync's and Serverless's), and any HTTP client can be
// redirected this way. No imports at all, so that every client's redirect is this one:
// - the functions bundle it (esbuild) into the deployed code;
// - pulumi-twilio's providers capture it when Pulumi serializes them (a module outside node_modules
//   is serialized by value: its functions' text, which must capture only plain data);
// - the twin's own adapters (./clients) use it for tests and the demo.

/** Header the twin's client adapters set so the twin's request log can group a caller's calls. */
export const TWIN_CORRELATION_HEADER = "x-twin-correlation-id";

/** Rewrites a Twilio URL to the twin. */
export function toTwinUrl(twinBaseUrl: string, url: string): string {
  const original = new URL(url);
  return `${twinBaseUrl.replace(/\/+$/, "")}/${original.host}${original.pathname}${original.search}`;
}

/** Splits a twin request path back into the Twilio host and path (null when it names no host). */
export function fromTwinPath(pathWithQuery: string): { host: string; path: string } | null {
  const match = /^\/([a-z0-9.-]+\.[a-z]{2,})(\/.*)?$/i.exec(pathWithQuery);
  if (!match) return null;
  return { host: match[1].toLowerCase(), path: match[2] ?? "/" };
}

/** The part of the `twilio` SDK's RequestOptions the redirect reads and writes. */
interface SdkRequestLike {
  uri: string;
  headers?: Record<string, string>;
}

/**
 * A `twilio` SDK request (a `RequestClient.request` argument) sent to the twin instead: the URI
 * rewritten, a fresh headers object (the SDK writes Authorization into it) with the correlation
 * header when one is given. Every `RequestClient` subclass that redirects to the twin calls this.
 */
export function toTwinRequest<T extends SdkRequestLike>(twinBaseUrl: string, opts: T, correlationId?: string): T {
  const headers: Record<string, string> = { ...opts.headers };
  if (correlationId) headers[TWIN_CORRELATION_HEADER] = correlationId;
  return { ...opts, uri: toTwinUrl(twinBaseUrl, opts.uri), headers };
}

interface GotOptionsLike {
  url: URL | string;
  headers: Record<string, string | string[] | undefined>;
}

interface GotLike {
  extend(options: { hooks: { beforeRequest: ((options: GotOptionsLike) => void)[] } }): GotLike;
}

/**
 * Redirects an `@twilio-labs/serverless-api` client (TwilioServerlessApiClient) to the twin and
 * returns it. The library has no base-URL option: it builds https://serverless.twilio.com/v1 (and
 * serverless-upload for uploads) into a `got` instance at its private `client` property, which is
 * extended here with a beforeRequest hook.
 */
export function redirectServerlessApiToTwin<T extends object>(
  api: T,
  twinBaseUrl: string,
  options: { correlationId?: string } = {},
): T {
  const holder = api as unknown as { client: GotLike };
  holder.client = holder.client.extend({
    hooks: {
      beforeRequest: [
        (request) => {
          const url = typeof request.url === "string" ? new URL(request.url) : request.url;
          if (/(^|\.)twilio\.com$/i.test(url.hostname)) {
            // Mutate in place: got keeps the Basic-auth credentials in url.username/password.
            const target = new URL(toTwinUrl(twinBaseUrl, url.toString()));
            url.protocol = target.protocol;
            url.host = target.host;
            url.pathname = target.pathname;
          }
          request.url = url;
          if (options.correlationId) request.headers[TWIN_CORRELATION_HEADER] = options.correlationId;
        },
      ],
    },
  });
  return api;
}
