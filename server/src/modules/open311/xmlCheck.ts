/**
 * TEST-ONLY. A strict, hand-written (regex-free) reader for the XML this module writes, used by
 * the tests to prove every response is well-formed and to read it back. Production code never
 * parses XML. It accepts exactly what GeoReport needs — the XML declaration, elements without
 * attributes, text with the five predefined entities and character references — and throws on
 * anything else, including characters XML 1.0 does not allow, mismatched or unclosed tags, and
 * content after the root element.
 */
export interface XNode {
  name: string;
  children: XNode[];
  /** Decoded text content of this element (direct text only). */
  text: string;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function isNameStart(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_';
}

function isNameChar(c: string): boolean {
  return isNameStart(c) || (c >= '0' && c <= '9') || c === '-' || c === '.';
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t';
}

function isDigit(c: string, hex: boolean): boolean {
  return (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

export function parseXml(src: string): XNode {
  if (!src.startsWith(DECLARATION)) throw new Error('no XML declaration with version 1.0 and encoding UTF-8');
  // Every character must be one XML allows (surrogate pairs are read as one code point).
  for (const ch of src) {
    const cp = ch.codePointAt(0)!;
    if (!isXmlChar(cp)) throw new Error(`character U+${cp.toString(16)} is not allowed in XML 1.0`);
  }
  let i = DECLARATION.length;
  const skipSpace = () => {
    while (isSpace(src[i])) i++;
  };
  const name = (): string => {
    const start = i;
    if (!isNameStart(src[i] ?? '')) throw new Error(`bad name at ${i}`);
    while (i < src.length && isNameChar(src[i]!)) i++;
    return src.slice(start, i);
  };
  const entity = (): string => {
    // src[i] === '&'
    const semi = src.indexOf(';', i);
    if (semi < 0 || semi - i > 12) throw new Error(`unterminated reference at ${i}`);
    const ref = src.slice(i + 1, semi);
    i = semi + 1;
    switch (ref) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    if (ref[0] !== '#') throw new Error(`unknown entity &${ref};`);
    const hex = ref[1] === 'x';
    const digits = ref.slice(hex ? 2 : 1);
    if (!digits || ![...digits].every((c) => isDigit(c, hex))) throw new Error(`bad character reference &${ref};`);
    const cp = parseInt(digits, hex ? 16 : 10);
    if (!isXmlChar(cp)) throw new Error(`character reference &${ref}; is not an XML character`);
    return String.fromCodePoint(cp);
  };
  const element = (): XNode => {
    if (src[i] !== '<') throw new Error(`expected < at ${i}`);
    i++;
    const node: XNode = { name: name(), children: [], text: '' };
    skipSpace();
    if (src.startsWith('/>', i)) {
      i += 2;
      return node;
    }
    if (src[i] !== '>') throw new Error(`unexpected ${JSON.stringify(src[i])} in tag <${node.name}> (attributes are not used)`);
    i++;
    for (;;) {
      if (i >= src.length) throw new Error(`<${node.name}> is not closed`);
      const c = src[i]!;
      if (c === '<') {
        if (src[i + 1] === '/') {
          i += 2;
          const end = name();
          skipSpace();
          if (end !== node.name) throw new Error(`</${end}> closes <${node.name}>`);
          if (src[i] !== '>') throw new Error(`bad end tag </${end}`);
          i++;
          return node;
        }
        if (src[i + 1] === '!' || src[i + 1] === '?') throw new Error(`comments, CDATA and processing instructions are not expected (at ${i})`);
        node.children.push(element());
        continue;
      }
      if (c === '&') {
        node.text += entity();
        continue;
      }
      if (c === '>' && src.startsWith(']]>', i - 2)) throw new Error(']]> in text');
      node.text += c;
      i++;
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== src.length) throw new Error(`content after the root element at ${i}`);
  return root;
}

/** The first child named `name`, or a thrown error naming the path. */
export function child(node: XNode, name: string): XNode {
  const c = node.children.find((x) => x.name === name);
  if (!c) throw new Error(`<${node.name}> has no <${name}>`);
  return c;
}

export function children(node: XNode, name: string): XNode[] {
  return node.children.filter((x) => x.name === name);
}
