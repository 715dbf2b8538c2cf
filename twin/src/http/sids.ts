// Twilio SIDs: a two-letter prefix naming the resource type and 32 lowercase hex digits.
import { randomBytes } from "crypto";

export function newSid(prefix: string): string {
  if (!/^[A-Z]{2}$/.test(prefix)) throw new Error(`newSid: bad prefix ${prefix}`);
  return prefix + randomBytes(16).toString("hex");
}
