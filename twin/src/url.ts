// How clients reach the offline Twilio twin. A Twilio URL `https://<host>/<path>` becomes
// `<twinBaseUrl>/<host>/<path>`: the host stays in the path because products share paths
// (`/v1/Services` is Sync's and Serverless's), and any HTTP client can be redirected this way.

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
