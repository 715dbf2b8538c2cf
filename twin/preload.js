// Preload for local runs and tests only: `node -r @flex-call-recovery/twin/preload.js` (or
// `node -r ./twin/preload.js`) with TWILIO_API_BASE_URL=<twin base URL> sends every http(s)
// request for *.twilio.com to the twin as `<base>/<twilio host>/<path>`. It covers clients the
// project does not construct itself: twilio-run's getTwilioClient() and
// twilio-flex-token-validator's call to iam.twilio.com. Plain CommonJS so `node -r` needs no build.
"use strict";
const http = require("http");
const https = require("https");
const { URL } = require("url");

const CORRELATION_HEADER = "x-twin-correlation-id";
const originals = {
  httpRequest: http.request,
  httpGet: http.get,
  httpsRequest: https.request,
  httpsGet: https.get,
};
let installedBase = null;

function isTwilioHost(host) {
  return typeof host === "string" && /(^|\.)twilio\.com$/i.test(host);
}

// Node accepts request(url[, options][, callback]) and request(options[, callback]).
function splitArgs(args) {
  const [first, second, third] = args;
  if (typeof first === "string" || first instanceof URL) {
    const url = new URL(first);
    const options = typeof second === "object" && second !== null ? second : {};
    const callback = typeof second === "function" ? second : third;
    return { host: url.hostname, path: `${url.pathname}${url.search}`, options, callback };
  }
  const options = first || {};
  const host = options.hostname || (options.host || "").split(":")[0];
  return { host, path: options.path || "/", options, callback: second };
}

function redirected(split) {
  const base = installedBase;
  const headers = { ...(split.options.headers || {}) };
  if (process.env.TWIN_CORRELATION_ID && !headers[CORRELATION_HEADER]) {
    headers[CORRELATION_HEADER] = process.env.TWIN_CORRELATION_ID;
  }
  const options = {
    ...split.options,
    protocol: "http:",
    hostname: base.hostname,
    host: undefined,
    port: base.port,
    path: `${base.pathname.replace(/\/+$/, "")}/${split.host}${split.path}`,
    headers,
    // An https agent cannot carry a plain-http request.
    agent: undefined,
    servername: undefined,
  };
  return originals.httpRequest.call(http, options, split.callback);
}

function wrapRequest(original) {
  return function request(...args) {
    const split = splitArgs(args);
    if (!installedBase || !isTwilioHost(split.host)) return original.apply(this, args);
    return redirected(split);
  };
}

function wrapGet(request) {
  return function get(...args) {
    const req = request(...args);
    req.end();
    return req;
  };
}

/** Starts redirecting *.twilio.com to `baseUrl`. */
function install(baseUrl) {
  installedBase = new URL(baseUrl);
  http.request = wrapRequest(originals.httpRequest);
  https.request = wrapRequest(originals.httpsRequest);
  http.get = wrapGet(http.request);
  https.get = wrapGet(https.request);
}

/** Restores node's http and https. */
function uninstall() {
  installedBase = null;
  http.request = originals.httpRequest;
  http.get = originals.httpGet;
  https.request = originals.httpsRequest;
  https.get = originals.httpsGet;
}

if (process.env.TWILIO_API_BASE_URL) install(process.env.TWILIO_API_BASE_URL);

module.exports = { install, uninstall };
