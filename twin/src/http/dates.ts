// Date formats as Twilio sends them: v1 APIs use ISO 8601 without milliseconds
// ("2014-05-14T14:26:54Z"); the 2010 API uses RFC 2822 ("Thu, 30 Jul 2015 20:00:00 +0000").

export function iso(date: Date): string;
export function iso(date: Date | null | undefined): string | null;
export function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, "Z") : null;
}

export function rfc2822(date: Date): string;
export function rfc2822(date: Date | null | undefined): string | null;
export function rfc2822(date: Date | null | undefined): string | null {
  // toUTCString gives "Thu, 30 Jul 2015 20:00:00 GMT"; Twilio writes the zone as +0000.
  return date ? date.toUTCString().replace(/GMT$/, "+0000") : null;
}
