/**
 * Partial matching of Chinese names and addresses without a trigram extension (PGlite and
 * PostgreSQL alike): a row stores its 1- and 2-character grams in a GIN-indexed array, a query
 * asks for rows containing all of its bigrams (or its single character), then rechecks with LIKE.
 */
function chars(text: string): string[] {
  return [...text.toLowerCase().replace(/[\s\u3000·•.,，。\-_/()（）]/g, '')];
}

export function textGrams(text: string | null | undefined): string[] {
  if (!text) return [];
  const cs = chars(text);
  const out = new Set<string>(cs);
  for (let i = 0; i + 1 < cs.length; i++) out.add(cs[i]! + cs[i + 1]!);
  return [...out];
}

export function queryGrams(q: string): string[] {
  const cs = chars(q);
  if (cs.length <= 1) return cs;
  const out = new Set<string>();
  for (let i = 0; i + 1 < cs.length; i++) out.add(cs[i]! + cs[i + 1]!);
  return [...out];
}

/** Escape LIKE wildcards in user input. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}
