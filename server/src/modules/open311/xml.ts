/**
 * A small XML 1.0 writer for the GeoReport responses: elements and text only (the format has no
 * attributes), UTF-8, with the XML declaration the specification asks for (encoding="UTF-8").
 *
 * Text is escaped (& < > " ' and carriage return as character references). Characters XML 1.0
 * cannot carry at all — C0 controls other than tab, line feed and carriage return, U+FFFE,
 * U+FFFF and unpaired surrogates — are replaced by U+FFFD; C1 controls (U+007F–U+009F) are
 * written as character references so they survive a parser's line-end handling untouched.
 */

export type XmlContent = string | number | boolean | null | undefined | XmlElement[];

export interface XmlElement {
  name: string;
  content: XmlContent;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** An element; a list of children, a scalar (written as text) or null (an empty element). */
export function el(name: string, content: XmlContent = null): XmlElement {
  if (!NAME.test(name) || name.toLowerCase().startsWith('xml')) throw new Error(`bad XML element name: ${name}`);
  return { name, content };
}

/** A list of same-named elements under a wrapper, e.g. <services><service>…</service></services>. */
export function list(name: string, itemName: string, items: XmlElement[][]): XmlElement {
  return el(name, items.map((children) => el(itemName, children)));
}

/** Escape text for element content (and, equally safely, attribute values). */
export function escapeXml(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x26:
        out += '&amp;';
        continue;
      case 0x3c:
        out += '&lt;';
        continue;
      case 0x3e:
        out += '&gt;';
        continue;
      case 0x22:
        out += '&quot;';
        continue;
      case 0x27:
        out += '&apos;';
        continue;
      case 0x0d:
        out += '&#13;';
        continue;
      case 0x09:
      case 0x0a:
        out += text[i];
        continue;
    }
    if (c < 0x20 || c === 0xfffe || c === 0xffff) {
      out += '\uFFFD';
      continue;
    }
    if (c >= 0x7f && c <= 0x9f) {
      out += `&#x${c.toString(16).toUpperCase()};`;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
      } else {
        out += '\uFFFD';
      }
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\uFFFD';
      continue;
    }
    out += text[i];
  }
  return out;
}

function scalar(v: string | number | boolean): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return escapeXml(v);
}

function write(e: XmlElement, out: string[]): void {
  const c = e.content;
  if (c === null || c === undefined || (Array.isArray(c) && c.length === 0)) {
    out.push(`<${e.name}/>`);
    return;
  }
  out.push(`<${e.name}>`);
  if (Array.isArray(c)) for (const child of c) write(child, out);
  else out.push(scalar(c));
  out.push(`</${e.name}>`);
}

/** A whole document: the declaration and one root element. */
export function xmlDocument(root: XmlElement): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  write(root, out);
  out.push('\n');
  return out.join('');
}

// ---- GeoReport v2 documents ------------------------------------------------------------------
// Element names and nesting as in the specification's XML samples; the JSON and XML forms of a
// response are built from the same objects.

type Scalar = string | number | boolean | null | undefined;

/** One element per member of a flat object, in the object's order. */
export function fields(obj: Record<string, Scalar>): XmlElement[] {
  return Object.entries(obj).map(([k, v]) => el(k, v));
}

export function discoveryXml(d: { changeset: string; contact: string; key_service: string; endpoints: { specification: string; url: string; changeset: string; type: string; formats: string[] }[] }): XmlElement {
  return el('discovery', [
    el('changeset', d.changeset),
    el('contact', d.contact),
    el('key_service', d.key_service),
    el(
      'endpoints',
      d.endpoints.map((e) =>
        el('endpoint', [
          el('specification', e.specification),
          el('url', e.url),
          el('changeset', e.changeset),
          el('type', e.type),
          el('formats', e.formats.map((f) => el('format', f))),
        ]),
      ),
    ),
  ]);
}

export function servicesXml(services: Record<string, Scalar>[]): XmlElement {
  return el('services', services.map((s) => el('service', fields(s))));
}

export function serviceDefinitionXml(d: { service_code: string; attributes: ({ values?: { key: string; name: string }[] } & Record<string, unknown>)[] }): XmlElement {
  return el('service_definition', [
    el('service_code', d.service_code),
    el(
      'attributes',
      d.attributes.map(({ values, ...a }) =>
        el('attribute', [...fields(a as Record<string, Scalar>), ...(values ? [el('values', values.map((v) => el('value', [el('key', v.key), el('name', v.name)])))] : [])]),
      ),
    ),
  ]);
}

/** POST requests, GET requests, GET requests/{id} and GET tokens/{token} all answer <service_requests>. */
export function serviceRequestsXml(requests: Record<string, Scalar>[]): XmlElement {
  return el('service_requests', requests.map((r) => el('request', fields(r))));
}

export function errorsXml(errors: { code: number; description: string }[]): XmlElement {
  return el('errors', errors.map((e) => el('error', [el('code', e.code), el('description', e.description)])));
}
