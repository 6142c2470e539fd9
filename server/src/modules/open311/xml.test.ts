import { describe, expect, it } from 'vitest';
import { el, errorsXml, escapeXml, serviceRequestsXml, xmlDocument } from './xml.js';
import { child, children, parseXml } from './xmlCheck.js';
import { MalformedForm, parseForm } from './form.js';
import { isoChina, parseW3 } from './service.js';

describe('the XML writer', () => {
  it('escapes the five markup characters and carriage returns', () => {
    expect(escapeXml(`a & b < c > d "e" 'f'\r\n`)).toBe('a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;&#13;\n');
  });

  it('replaces characters XML 1.0 cannot carry and writes C1 controls as references', () => {
    expect(escapeXml('x\u0000y\u0001z\u001F\u000B\u000C')).toBe('x\uFFFDy\uFFFDz\uFFFD\uFFFD\uFFFD');
    expect(escapeXml('\uFFFE\uFFFF')).toBe('\uFFFD\uFFFD');
    expect(escapeXml('a\uD800b')).toBe('a\uFFFDb'); // lone high surrogate
    expect(escapeXml('a\uDC00b')).toBe('a\uFFFDb'); // lone low surrogate
    expect(escapeXml('𠮷')).toBe('𠮷'); // a surrogate pair is one character, kept
    expect(escapeXml('\u0085\u007F')).toBe('&#x85;&#x7F;');
    expect(escapeXml('网格\t通\n')).toBe('网格\t通\n');
  });

  it('writes a document the strict reader reads back to the same text, whatever the input', () => {
    const nasty = ['<script>alert("x")</script>', "O'Brien & Sons", ']]>', '\u0000\u0008\uFFFF\uD83D', 'line1\r\nline2\rline3', '&amp; already', '𠮷野家 🚀', '\u0085 NEL'];
    const doc = xmlDocument(serviceRequestsXml(nasty.map((d, k) => ({ service_request_id: `GW-${k}`, description: d, lat: 39.6, closed: true, media_url: null }))));
    const root = parseXml(doc);
    expect(root.name).toBe('service_requests');
    const reqs = children(root, 'request');
    expect(reqs).toHaveLength(nasty.length);
    for (const [k, r] of reqs.entries()) {
      const expected = nasty[k]!.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/g, '\uFFFD');
      expect(child(r, 'description').text).toBe(expected);
      expect(child(r, 'lat').text).toBe('39.6');
      expect(child(r, 'closed').text).toBe('true');
      expect(child(r, 'media_url').children).toEqual([]);
    }
  });

  it('refuses element names that are not plain names', () => {
    expect(() => el('a b')).toThrow();
    expect(() => el('<x>')).toThrow();
    expect(() => el('xmlfoo')).toThrow();
  });

  it('writes the errors document of the specification', () => {
    const root = parseXml(xmlDocument(errorsXml([{ code: 403, description: 'api_key 无效' }])));
    expect(root.name).toBe('errors');
    expect(child(child(root, 'error'), 'code').text).toBe('403');
    expect(child(child(root, 'error'), 'description').text).toBe('api_key 无效');
  });
});

describe('the strict XML reader (test kit) refuses what is not well-formed', () => {
  const head = '<?xml version="1.0" encoding="UTF-8"?>';
  for (const bad of [
    '<a></a>', // no declaration
    `${head}<a>`,
    `${head}<a></b>`,
    `${head}<a>x &nbsp; y</a>`,
    `${head}<a>x & y</a>`,
    `${head}<a>&#1;</a>`,
    `${head}<a>\u0001</a>`,
    `${head}<a x="1"></a>`,
    `${head}<a></a><b></b>`,
    `${head}<1a></1a>`,
    `${head}<a>]]></a>`,
  ]) {
    it(JSON.stringify(bad.slice(head.length) || bad), () => {
      expect(() => parseXml(bad)).toThrow();
    });
  }
  it('reads references and nesting', () => {
    const r = parseXml(`${head}\n<a><b>&lt;&#x4E2D;&#25991;&gt;</b><c/></a>\n`);
    expect(child(r, 'b').text).toBe('<中文>');
    expect(child(r, 'c').children).toEqual([]);
  });
});

describe('form bodies', () => {
  it('decodes pairs, plus signs and repeated names', () => {
    expect(parseForm(Buffer.from('a=1&b=x+y&attribute%5Bplace%5D%5B%5D=corridor&attribute[place][]=home&c=%E4%B8%AD&d&&e='))).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['attribute[place][]', 'corridor'],
      ['attribute[place][]', 'home'],
      ['c', '中'],
      ['d', ''],
      ['e', ''],
    ]);
  });
  it('refuses bad percent-encoding, invalid UTF-8 and nameless fields', () => {
    expect(() => parseForm(Buffer.from('a=%zz'))).toThrow(MalformedForm);
    expect(() => parseForm(Buffer.from('a=%E4%B8'))).toThrow(MalformedForm);
    expect(() => parseForm(Buffer.from([0x61, 0x3d, 0xff, 0xfe]))).toThrow(MalformedForm);
    expect(() => parseForm(Buffer.from('=x'))).toThrow(MalformedForm);
  });
});

describe('dates', () => {
  it('writes ISO 8601 in China time with the offset', () => {
    expect(isoChina(new Date('2026-11-22T10:00:00Z'))).toBe('2026-11-22T18:00:00+08:00');
    expect(isoChina(new Date('2026-12-31T16:30:05.123Z'))).toBe('2027-01-01T00:30:05+08:00');
  });
  it('reads W3C date-times with a zone, and bare dates as China midnight', () => {
    expect(parseW3('2026-11-22T18:00:00+08:00')?.toISOString()).toBe('2026-11-22T10:00:00.000Z');
    expect(parseW3('2026-11-22T10:00Z')?.toISOString()).toBe('2026-11-22T10:00:00.000Z');
    expect(parseW3('2026-11-22')?.toISOString()).toBe('2026-11-21T16:00:00.000Z');
    for (const bad of ['2026-11-22T18:00:00', '2026-02-30', '2026-13-01T00:00:00Z', '22/11/2026', '2026-11-22T25:00:00Z', 'now']) expect(parseW3(bad), bad).toBeNull();
  });
});
