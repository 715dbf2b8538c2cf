// Twilio's two paging envelopes. v1 APIs: `{ <key>: [...], meta: {...} }` with absolute URLs;
// the 2010 API: `{ <key>: [...], page, page_size, start, end, uri, first_page_uri, ... }` with
// URIs relative to https://api.twilio.com. Both page by `PageSize` (default 50, max 1000) and `Page`.
import { InvalidParameterError } from "./errors";
import { ok } from "./reply";
import type { TwinResponse } from "./router";
import { optionalInt, Params } from "./params";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

interface PageWindow {
  page: number;
  pageSize: number;
}

function pageWindow(query: Params): PageWindow {
  const pageSize = optionalInt(query, "PageSize") ?? DEFAULT_PAGE_SIZE;
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new InvalidParameterError(`PageSize must be between 1 and ${MAX_PAGE_SIZE}`, 20006);
  }
  const page = optionalInt(query, "Page") ?? 0;
  if (page < 0) throw new InvalidParameterError("Page must be a non-negative integer", 20006);
  return { page, pageSize };
}

/** Query string of a page link: the caller's filters plus PageSize, Page and a PageToken (as Twilio's links carry). */
function pageQuery(query: Params, pageSize: number, page: number): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key === "Page" || key === "PageSize" || key === "PageToken") continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  }
  search.append("PageSize", String(pageSize));
  search.append("Page", String(page));
  // The token is opaque to clients; the twin pages by offset and only echoes it.
  if (page > 0) search.append("PageToken", `PT${page * pageSize}`);
  return search.toString();
}

/**
 * A list answer: one page of `items` under `key`, serialised, in the API's envelope. v1 links are
 * absolute URLs under `meta`; the 2010 API's are URIs relative to https://api.twilio.com.
 */
export function listAnswer<T>(
  req: { host: string; path: string; query: Params },
  key: string,
  items: readonly T[],
  serialize: (item: T) => unknown,
): TwinResponse {
  const { page, pageSize } = pageWindow(req.query);
  const start = page * pageSize;
  const slice = items.slice(start, start + pageSize).map(serialize);
  const hasNext = start + pageSize < items.length;
  const base = req.host === "api.twilio.com" ? req.path : `https://${req.host}${req.path}`;
  const link = (p: number): string => `${base}?${pageQuery(req.query, pageSize, p)}`;
  const previous = page > 0 ? link(page - 1) : null;
  const next = hasNext ? link(page + 1) : null;
  if (req.host === "api.twilio.com") {
    return ok({
      [key]: slice,
      end: start + Math.max(slice.length - 1, 0),
      first_page_uri: link(0),
      next_page_uri: next,
      page,
      page_size: pageSize,
      previous_page_uri: previous,
      start,
      uri: link(page),
    });
  }
  const meta = { page, page_size: pageSize, first_page_url: link(0), previous_page_url: previous, url: link(page) };
  return ok({ [key]: slice, meta: { ...meta, next_page_url: next, key } });
}
