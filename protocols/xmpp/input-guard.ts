// A streaming scanner that sits between the socket and the @xmpp/ltx parser. The parser itself has
// no limits: it buffers a stanza of any size, nests without bound, and ignores DOCTYPEs and
// processing instructions instead of refusing them. RFC 6120 §11.1 forbids all of those in XMPP, so
// the guard refuses them before a byte reaches the parser, and the connection closes with
// <policy-violation/>. It also drops whitespace between stanzas (keepalives), which ltx would
// otherwise append to the stream root element forever.
import { StringDecoder } from 'node:string_decoder';

/** Largest stanza (or stream header) accepted, in bytes of UTF-8. */
export const MAX_STANZA_BYTES = 256 * 1024;
/** Deepest element nesting accepted, counting the stream root as 1. */
export const MAX_DEPTH = 32;
/** The XML declaration is short; anything longer is not one. */
const MAX_DECLARATION_CHARS = 256;

// Tags are checked strictly (name, attributes, quotes) so that the guard and ltx always agree on
// where a tag ends: ltx is lenient (it skips anything up to the '=' after an attribute name,
// '>' included), and a disagreement would let a stanza grow past the size cap unseen.
const enum S {
  Text,
  Lt,
  TagName,
  BeforeAttr,
  AttrName,
  AfterAttrName,
  BeforeValue,
  AttrValue,
  AfterValue,
  SelfClose,
  EndTagName,
  AfterEndTagName,
  Declaration,
  Bang,
  Cdata,
}

export type GuardResult = { ok: true; text: string } | { ok: false; violation: string };

export class XmlInputGuard {
  private decoder = new StringDecoder('utf8');
  private state = S.Text;
  private depth = 0;
  private rootSeen = false;
  private declarationSeen = false;
  private unitBytes = 0;
  private quote = 0;
  private previous = 0;
  private buffer = '';
  private violation: string | null = null;

  /** Forgets everything: call when a new stream starts (after STARTTLS or SASL). */
  reset(): void {
    this.decoder = new StringDecoder('utf8');
    this.state = S.Text;
    this.depth = 0;
    this.rootSeen = false;
    this.declarationSeen = false;
    this.unitBytes = 0;
    this.quote = 0;
    this.previous = 0;
    this.buffer = '';
    this.violation = null;
  }

  /** Scans a chunk; returns the text to give the parser, or the first violation (sticky). */
  push(chunk: Buffer | string): GuardResult {
    if (this.violation) return { ok: false, violation: this.violation };
    const data = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const violation = this.scan(data);
    if (violation) {
      this.violation = violation;
      return { ok: false, violation };
    }
    return { ok: true, text: this.output };
  }

  private output = '';

  private scan(data: string): string | null {
    const parts: string[] = [];
    let segmentStart = 0;
    for (let i = 0; i < data.length; i++) {
      const c = data.charCodeAt(i);
      this.unitBytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
      if (this.unitBytes > MAX_STANZA_BYTES) {
        return `a stanza larger than ${MAX_STANZA_BYTES} bytes`;
      }
      const problem = this.step(c);
      if (problem === SKIP) {
        // Text between stanzas is never given to the parser.
        if (i > segmentStart) parts.push(data.slice(segmentStart, i));
        segmentStart = i + 1;
        this.unitBytes = 0;
      } else if (problem) {
        return problem;
      }
      this.previous = c;
    }
    if (segmentStart < data.length) parts.push(data.slice(segmentStart));
    this.output = parts.join('');
    return null;
  }

  private openElement(): string | null {
    this.state = S.Text;
    this.depth++;
    if (this.depth > MAX_DEPTH) return `elements nested deeper than ${MAX_DEPTH}`;
    if (this.depth === 1) {
      this.rootSeen = true;
      this.unitBytes = 0;
    }
    return null;
  }

  private step(c: number): string | null | typeof SKIP {
    switch (this.state) {
      case S.Text:
        if (c === LT) {
          this.state = S.Lt;
          return null;
        }
        if (this.depth <= 1) {
          return isXmlSpace(c) ? SKIP : 'text outside any stanza';
        }
        return null;
      case S.Lt:
        if (c === SLASH) {
          this.state = S.EndTagName;
        } else if (c === QUESTION) {
          if (this.depth !== 0 || this.rootSeen || this.declarationSeen) {
            return 'a processing instruction';
          }
          this.state = S.Declaration;
          this.buffer = '';
        } else if (c === BANG) {
          this.state = S.Bang;
          this.buffer = '';
        } else if (isNameChar(c)) {
          this.state = S.TagName;
        } else {
          return 'a malformed tag';
        }
        return null;
      case S.TagName:
      case S.AfterValue:
        if (c === GT) return this.openElement();
        if (c === SLASH) this.state = S.SelfClose;
        else if (isXmlSpace(c)) this.state = S.BeforeAttr;
        else if (this.state === S.AfterValue || !isNameChar(c)) return 'a malformed tag';
        return null;
      case S.BeforeAttr:
        if (c === GT) return this.openElement();
        if (c === SLASH) this.state = S.SelfClose;
        else if (isNameChar(c)) this.state = S.AttrName;
        else if (!isXmlSpace(c)) return 'a malformed tag';
        return null;
      case S.AttrName:
        if (c === EQ) this.state = S.BeforeValue;
        else if (isXmlSpace(c)) this.state = S.AfterAttrName;
        else if (!isNameChar(c)) return 'a malformed attribute';
        return null;
      case S.AfterAttrName:
        if (c === EQ) this.state = S.BeforeValue;
        else if (!isXmlSpace(c)) return 'a malformed attribute';
        return null;
      case S.BeforeValue:
        if (c === QUOT || c === APOS) {
          this.quote = c;
          this.state = S.AttrValue;
        } else if (!isXmlSpace(c)) {
          return 'a malformed attribute';
        }
        return null;
      case S.AttrValue:
        if (c === this.quote) this.state = S.AfterValue;
        else if (c === LT) return 'a malformed attribute';
        return null;
      case S.SelfClose:
        if (c !== GT) return 'a malformed tag';
        this.state = S.Text;
        if (this.depth <= 1) this.unitBytes = 0;
        return null;
      case S.EndTagName:
      case S.AfterEndTagName:
        if (c === GT) {
          this.state = S.Text;
          this.depth = Math.max(0, this.depth - 1);
          if (this.depth <= 1) this.unitBytes = 0;
        } else if (isXmlSpace(c)) {
          this.state = S.AfterEndTagName;
        } else if (this.state === S.AfterEndTagName || !isNameChar(c)) {
          return 'a malformed end tag';
        }
        return null;
      case S.Declaration:
        this.buffer += String.fromCharCode(c);
        if (this.buffer.length > MAX_DECLARATION_CHARS) return 'a processing instruction';
        if (c === GT && this.previous === QUESTION) {
          if (!/^xml[\s?]/.test(this.buffer)) return 'a processing instruction';
          this.declarationSeen = true;
          this.state = S.Text;
        }
        return null;
      case S.Bang:
        this.buffer += String.fromCharCode(c);
        if (CDATA_OPEN.startsWith(this.buffer)) {
          if (this.buffer === CDATA_OPEN) {
            if (this.depth < 2) return 'a CDATA section outside any stanza';
            this.state = S.Cdata;
            this.buffer = '';
          }
          return null;
        }
        return describeBang(this.buffer);
      case S.Cdata:
        this.buffer = (this.buffer + String.fromCharCode(c)).slice(-3);
        if (this.buffer === ']]>') {
          this.state = S.Text;
          this.buffer = '';
        }
        return null;
    }
  }
}

const SKIP = Symbol('skip');
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const QUESTION = 0x3f;
const BANG = 0x21;
const QUOT = 0x22;
const APOS = 0x27;
const CDATA_OPEN = '[CDATA[';

const EQ = 0x3d;

/** Loose on purpose (any non-ASCII counts): it only has to keep tag syntax unambiguous. */
function isNameChar(c: number): boolean {
  return c > 0x7f || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x3a || c === 0x5f || c === 0x2d || c === 0x2e;
}

function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function describeBang(seen: string): string {
  if (seen.startsWith('-')) return 'an XML comment';
  if ('DOCTYPE'.startsWith(seen) || seen.startsWith('DOCTYPE')) return 'a DOCTYPE declaration';
  if ('ENTITY'.startsWith(seen) || seen.startsWith('ENTITY')) return 'an entity declaration';
  return 'a markup declaration (<!…)';
}
