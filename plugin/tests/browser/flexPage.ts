// The Flex page the browser tests serve on Flex's origin: the libraries Flex UI 2 puts on its page
// (React, ReactDOM, Redux, react-redux, as UMD globals) and the test's harness scripts, then an
// HTML page that loads them under a Flex-like header.
import fs from "node:fs";
import path from "node:path";
import type { Route } from "playwright-core";

const vendor = (p: string) => require.resolve(p);

export interface FlexPage {
  /** Script path on the page's origin → file served for it. */
  scripts: Record<string, string>;
  html: string;
  /** Answers a request to the page's origin: a script, else the page. */
  serve(route: Route, url: URL): Promise<void>;
}

/** `harness`: script path → file name in this folder; `header` and `body`: the page's HTML. */
export function flexPage(harness: Record<string, string>, header: string, body: string): FlexPage {
  const scripts: Record<string, string> = {
    "/vendor/react.js": vendor("react/umd/react.production.min.js"),
    "/vendor/react-dom.js": vendor("react-dom/umd/react-dom.production.min.js"),
    "/vendor/redux.js": vendor("redux/dist/redux.min.js"),
    "/vendor/react-redux.js": vendor("react-redux/dist/react-redux.min.js"),
    ...Object.fromEntries(Object.entries(harness).map(([src, file]) => [src, path.join(__dirname, file)])),
  };
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Flex (test harness)</title>
${Object.keys(scripts)
  .map((src) => `<script src="${src}"></script>`)
  .join("\n")}
</head><body style="margin:0;font-family:sans-serif;background:#f4f4f6">
<header style="height:48px;background:#121c2d;color:#fff;display:flex;align-items:center;padding:0 16px">${header}</header>
${body}</body></html>`;
  const serve = (route: Route, url: URL) =>
    url.pathname in scripts
      ? route.fulfill({ contentType: "text/javascript", body: fs.readFileSync(scripts[url.pathname]) })
      : route.fulfill({ contentType: "text/html", body: html });
  return { scripts, html, serve };
}
