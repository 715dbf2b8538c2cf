// TwiML the twin executes: XML read by saxes (a conforming, well-kept parser) into elements, and
// a typed view of the verbs this project uses: <Say>, <Play>, <Pause>,
// <Enqueue workflowSid><Task priority timeout>{json}</Task></Enqueue>,
// <Dial><Conference ...>name</Conference></Dial>, <Redirect>, <Hangup>.
// https://www.twilio.com/docs/voice/twiml
import { SaxesParser } from "saxes";

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text content of this element (not of its children). */
  text: string;
}

/** Thrown for a document that is not well-formed TwiML (Twilio answers 12100 "Document parse failure"). */
export class TwimlParseError extends Error {
  constructor(detail: string) {
    super(`TwiML parse failure (12100): ${detail}`);
    this.name = "TwimlParseError";
  }
}

/** Parses an XML document into its root element. */
export function parseXml(source: string): XmlElement {
  const parser = new SaxesParser();
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  parser.on("opentag", ({ name, attributes }) => {
    const element: XmlElement = { name, attributes: attributes as Record<string, string>, children: [], text: "" };
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    root ??= element;
    stack.push(element);
  });
  parser.on("closetag", () => stack.pop());
  const addText = (text: string) => {
    if (stack.length > 0) stack[stack.length - 1].text += text;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  try {
    parser.write(source).close();
  } catch (error) {
    throw new TwimlParseError(root ? (error as Error).message : "empty document");
  }
  if (!root) throw new TwimlParseError("empty document");
  return root;
}

export interface ConferenceOptions {
  name: string;
  participantLabel: string | null;
  endConferenceOnExit: boolean;
  startConferenceOnEnter: boolean;
  muted: boolean;
  beep: string;
  statusCallback: string | null;
  statusCallbackMethod: string;
  /** Subscribed events (`start end join leave mute hold modify speaker announcement`). */
  statusCallbackEvent: string[];
  waitUrl: string | null;
}

export type TwimlVerb =
  | { verb: "Say"; text: string; voice: string | null; language: string | null }
  | { verb: "Play"; url: string }
  | { verb: "Pause"; length: number }
  | {
      verb: "Enqueue";
      workflowSid: string;
      /** The <Task> body: the task's attributes. */
      attributes: Record<string, unknown>;
      priority: number | null;
      timeout: number | null;
    }
  | { verb: "Dial"; conference: ConferenceOptions | null }
  | { verb: "Redirect"; url: string; method: string }
  | { verb: "Hangup" };

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value !== "true" && value !== "false")
    throw new TwimlParseError(`boolean attribute must be true or false, got ${value}`);
  return value === "true";
}

function int(value: string | undefined, what: string): number | null {
  if (value === undefined || value.trim() === "") return null;
  if (!/^\d+$/.test(value.trim())) throw new TwimlParseError(`${what} must be a non-negative integer, got ${value}`);
  return Number(value);
}

/** Parses a TwiML `<Response>` into the verbs this twin executes; other verbs are rejected. */
export function parseTwiml(source: string): TwimlVerb[] {
  const root = parseXml(source);
  if (root.name !== "Response") throw new TwimlParseError(`root element must be <Response>, got <${root.name}>`);
  return root.children.map(toVerb);
}

function toVerb(element: XmlElement): TwimlVerb {
  const a = element.attributes;
  switch (element.name) {
    case "Say":
      return { verb: "Say", text: element.text.trim(), voice: a.voice ?? null, language: a.language ?? null };
    case "Play":
      return { verb: "Play", url: element.text.trim() };
    case "Pause":
      return { verb: "Pause", length: int(a.length, "Pause length") ?? 1 };
    case "Hangup":
      return { verb: "Hangup" };
    case "Redirect":
      return { verb: "Redirect", url: element.text.trim(), method: a.method ?? "POST" };
    case "Enqueue": {
      if (!a.workflowSid) throw new TwimlParseError("<Enqueue> needs workflowSid (named queues are not supported)");
      const task = element.children.find((c) => c.name === "Task");
      let attributes: Record<string, unknown> = {};
      if (task && task.text.trim() !== "") {
        let parsed: unknown;
        try {
          parsed = JSON.parse(task.text);
        } catch {
          throw new TwimlParseError("<Task> body is not JSON");
        }
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
          throw new TwimlParseError("<Task> body must be a JSON object");
        attributes = parsed as Record<string, unknown>;
      }
      return {
        verb: "Enqueue",
        workflowSid: a.workflowSid,
        attributes,
        priority: int(task?.attributes.priority, "Task priority"),
        timeout: int(task?.attributes.timeout, "Task timeout"),
      };
    }
    case "Dial": {
      const conference = element.children.find((c) => c.name === "Conference");
      if (!conference) return { verb: "Dial", conference: null };
      const c = conference.attributes;
      return {
        verb: "Dial",
        conference: {
          name: conference.text.trim(),
          participantLabel: c.participantLabel ?? null,
          endConferenceOnExit: bool(c.endConferenceOnExit, false),
          startConferenceOnEnter: bool(c.startConferenceOnEnter, true),
          muted: bool(c.muted, false),
          beep: c.beep ?? "true",
          statusCallback: c.statusCallback ?? null,
          statusCallbackMethod: c.statusCallbackMethod ?? "POST",
          statusCallbackEvent: (c.statusCallbackEvent ?? "").split(/[\s,]+/).filter(Boolean),
          waitUrl: c.waitUrl ?? null,
        },
      };
    }
    default:
      throw new TwimlParseError(`verb <${element.name}> is not supported by the twin`);
  }
}
