// Form and query parameters as Twilio reads them: `application/x-www-form-urlencoded`, arrays as
// repeated keys (`Events=start&Events=end`). A key seen once is a string, repeated keys an array.
import { InvalidParameterError } from "./errors";

export type Params = Record<string, string | string[]>;

export function parseForm(text: string): Params {
  const params: Params = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = params[key];
    if (existing === undefined) params[key] = value;
    else params[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return params;
}

/** Last value of a parameter (Twilio takes one value for scalar parameters). */
export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function requiredString(params: Params, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined || value === "") {
    throw new InvalidParameterError(`Missing required parameter ${name} in the post body`);
  }
  return value;
}

export function optionalList(params: Params, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}

export function optionalInt(params: Params, name: string): number | undefined {
  const value = optionalString(params, name);
  if (value === undefined || value === "") return undefined;
  if (!/^-?\d+$/.test(value)) throw new InvalidParameterError(`${name} must be an integer, got '${value}'`);
  return Number(value);
}

/** Twilio accepts true/false in any case (and, for some parameters, 1/0 or yes/no). */
export function optionalBool(params: Params, name: string): boolean | undefined {
  const value = optionalString(params, name);
  if (value === undefined || value === "") return undefined;
  const lowered = value.toLowerCase();
  if (["true", "1", "yes"].includes(lowered)) return true;
  if (["false", "0", "no"].includes(lowered)) return false;
  throw new InvalidParameterError(`${name} must be a boolean, got '${value}'`);
}
