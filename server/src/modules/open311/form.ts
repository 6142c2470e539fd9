/**
 * application/x-www-form-urlencoded, parsed strictly (the WHATWG rules, but refusing what they
 * would silently repair): the body must be UTF-8, every `%` must start a valid escape of UTF-8
 * bytes, and every name must be non-empty. Repeated names are kept in order.
 */
export type FormPairs = [name: string, value: string][];

export class MalformedForm extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replaceAll('+', ' '));
  } catch {
    throw new MalformedForm(`bad percent-encoding in “${part.slice(0, 40)}”`);
  }
}

export function parseForm(body: Buffer | string): FormPairs {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = utf8.decode(body);
    } catch {
      throw new MalformedForm('the body is not UTF-8');
    }
  }
  const pairs: FormPairs = [];
  for (const seq of text.split('&')) {
    if (!seq) continue;
    const eq = seq.indexOf('=');
    const name = decode(eq < 0 ? seq : seq.slice(0, eq));
    const value = eq < 0 ? '' : decode(seq.slice(eq + 1));
    if (!name) throw new MalformedForm('a field without a name');
    pairs.push([name, value]);
  }
  return pairs;
}
