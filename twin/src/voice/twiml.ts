// TwiML the twin executes: a small XML reader (TwiML is plain XML: elements, attributes, text,
// the five predefined entities, comments and CDATA) and a typed view of the verbs this project
// uses: <Say>, <Play>, <Pause>, <Enqueue workflowSid><Task priority timeout>{json}</Task></Enqueue>,
// <Dial><Conference ...>name</Conference></Dial>, <Redirect>, <Hangup>.
// https://www.twilio.com/docs/voice/twiml

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

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, name: string) => {
    if (name.startsWith("#x")) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

/** Parses an XML document into its root element. */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < source.length) {
    if (source.startsWith("<?", i)) {
      const end = source.indexOf("?>", i);
      if (end < 0) throw new TwimlParseError("unterminated processing instruction");
      i = end + 2;
    } else if (source.startsWith("<!--", i)) {
      const end = source.indexOf("-->", i);
      if (end < 0) throw new TwimlParseError("unterminated comment");
      i = end + 3;
    } else if (source.startsWith("<![CDATA[", i)) {
      const end = source.indexOf("]]>", i);
      if (end < 0 || stack.length === 0) throw new TwimlParseError("misplaced CDATA");
      stack[stack.length - 1].text += source.slice(i + 9, end);
      i = end + 3;
    } else if (source.startsWith("</", i)) {
      const end = source.indexOf(">", i);
      const name = source.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new TwimlParseError(`unexpected closing tag </${name}>`);
      i = end + 1;
    } else if (source[i] === "<") {
      const match = /^<([A-Za-z][\w.-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(source.slice(i));
      if (!match) throw new TwimlParseError(`malformed tag at offset ${i}`);
      const attributes: Record<string, string> = {};
      for (const a of match[2].matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attributes[a[1]] = decodeEntities(a[2] ?? a[3] ?? "");
      }
      const element: XmlElement = { name: match[1], attributes, children: [], text: "" };
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else if (root) throw new TwimlParseError("more than one root element");
      else root = element;
      if (match[3] !== "/") stack.push(element);
      i += match[0].length;
    } else {
      const next = source.indexOf("<", i);
      const text = source.slice(i, next < 0 ? source.length : next);
      if (stack.length > 0) stack[stack.length - 1].text += decodeEntities(text);
      else if (text.trim() !== "") throw new TwimlParseError("text outside the root element");
      i = next < 0 ? source.length : next;
    }
  }
  if (stack.length > 0) throw new TwimlParseError(`unclosed <${stack[stack.length - 1].name}>`);
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
