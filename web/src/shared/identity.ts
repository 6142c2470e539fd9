/**
 * Citizen identity number (GB 11643-1999) checks for forms, ported from the server's
 * platform/identity/citizenId.ts: format, real birth date not in the future, known province and
 * the ISO 7064 MOD 11-2 check character. Sex and birth date are derived from the number.
 * The server stays the authority (it also knows current county codes); this gives instant feedback.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** Province-level codes (first two digits of the address code). */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43',
  '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83',
]);

/** GB 11643 check character of the first 17 digits. */
export function citizenIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export type CitizenIdProblem =
  | 'format' // not digits (+ X at the end)
  | 'incomplete' // fewer than 18 characters so far
  | 'birth_date' // not a real date
  | 'birth_future'
  | 'province'
  | 'check_char';

export interface CitizenIdResult {
  /** Canonical 18-character number (upper-case X; 15-digit numbers upgraded). */
  id: string;
  ok: boolean;
  problem?: CitizenIdProblem;
  /** For `check_char`: the character the number should end with. */
  expected?: string;
  /** Derived when the birth date part is readable (even if another rule fails). */
  sex?: 'male' | 'female';
  birthDate?: string; // YYYY-MM-DD
  /** A 15-digit first-generation number was upgraded to 18 digits. */
  upgraded?: boolean;
}

function realDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** Normalise what people type: spaces removed, x → X. */
export function normaliseCitizenId(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** Check a (possibly partly typed) identity number. */
export function checkCitizenId(raw: string, today = new Date()): CitizenIdResult {
  let id = normaliseCitizenId(raw);
  let upgraded = false;
  if (/^\d{15}$/.test(id)) {
    id = `${id.slice(0, 6)}19${id.slice(6)}`;
    id += citizenIdCheckChar(id);
    upgraded = true;
  }
  if (!/^\d{0,17}[\dX]?$/.test(id) || (id.length < 18 && id.includes('X'))) return { id, ok: false, problem: 'format' };
  if (id.length < 18) return { id, ok: false, problem: 'incomplete' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const base: CitizenIdResult = { id, ok: false, upgraded };
  if (!realDate(y, m, d) || y < 1880) return { ...base, problem: 'birth_date' };
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const sex: 'male' | 'female' = Number(id[16]) % 2 === 1 ? 'male' : 'female';
  const derived = { ...base, birthDate, sex };
  if (Date.UTC(y, m - 1, d) > today.getTime()) return { ...derived, problem: 'birth_future' };
  if (!PROVINCES.has(id.slice(0, 2))) return { ...derived, problem: 'province' };
  const check = citizenIdCheckChar(id);
  if (check !== id[17]) return { ...derived, problem: 'check_char', expected: check };
  return { ...derived, ok: true };
}

/** Full years between a YYYY-MM-DD birth date and today. */
export function ageFrom(birthDate: string, today = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = today.getFullYear() - y;
  if (today.getMonth() + 1 < m || (today.getMonth() + 1 === m && today.getDate() < d)) age--;
  return age;
}

/** Phone as the server normalises it: no spaces or dashes, no +86 before a mobile number. */
export function normalisePhone(raw: string): string {
  return raw.trim().replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
}

/** Mainland mobile (11 digits from 1) or a landline with area code — the server's rule. */
export function isPhone(raw: string): boolean {
  const n = normalisePhone(raw);
  return /^1[3-9]\d{9}$/.test(n) || /^0\d{2,3}\d{7,8}$/.test(n);
}

export type SearchKind = 'idNumber' | 'phone' | 'name';

/**
 * What a single search box holds: an 18-digit (or 15-digit) ID number, an 11-digit mobile
 * (or a landline), else a name. Returns the API parameter and the value to send.
 */
export function detectSearch(raw: string): { kind: SearchKind; value: string } {
  const s = raw.trim();
  const compact = normaliseCitizenId(s);
  if (/^\d{17}[\dX]$/.test(compact)) return { kind: 'idNumber', value: compact };
  if (/^\d{15}$/.test(compact)) return { kind: 'idNumber', value: checkCitizenId(compact).id };
  if (isPhone(s)) return { kind: 'phone', value: normalisePhone(s) };
  return { kind: 'name', value: s };
}

// ---- Unified social credit code (GB 32100-2015), used by the organisation forms ----------------

/** 31 characters, no I O S V Z. */
export const CREDIT_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type CreditGroup = 'enterprise' | 'social_org' | 'public' | 'other';

/** Registration authority + organisation category (first two characters) → group (as on the server). */
export const CREDIT_KIND_GROUPS: Record<string, CreditGroup> = {
  '11': 'public',
  '12': 'public',
  '13': 'public',
  '19': 'public',
  '31': 'other',
  '32': 'other',
  '33': 'other',
  '39': 'other',
  '51': 'social_org',
  '52': 'social_org',
  '53': 'social_org',
  '59': 'social_org',
  '71': 'other',
  '81': 'other',
  '91': 'enterprise',
  '92': 'enterprise',
  '93': 'enterprise',
  N1: 'other',
  Y1: 'other',
};

export type CreditIssue =
  | { rule: 'credit_length'; length: number }
  | { rule: 'credit_charset'; chars: string }
  | { rule: 'credit_region' }
  | { rule: 'credit_check_char'; expected: string };

export interface CreditCheck {
  ok: boolean;
  /** Normalised code (upper case, no spaces). */
  code: string;
  /** First two characters once typed (登记管理部门 + 机构类别), else null. */
  kind: string | null;
  group: CreditGroup | null;
  issue: CreditIssue | null;
}

export function creditCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARSET.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
  return CREDIT_CHARSET[(31 - (sum % 31)) % 31]!;
}

/** Validate a unified social credit code: length, character set, division code, MOD 31 check. */
export function checkCreditCode(raw: string): CreditCheck {
  const code = raw.replace(/\s+/g, '').toUpperCase();
  const kind = code.length >= 2 ? code.slice(0, 2) : null;
  const group = kind ? (CREDIT_KIND_GROUPS[kind] ?? null) : null;
  const fail = (issue: CreditIssue): CreditCheck => ({ ok: false, code, kind, group, issue });
  const bad = [...new Set([...code].filter((c) => !CREDIT_CHARSET.includes(c)))];
  if (bad.length) return fail({ rule: 'credit_charset', chars: bad.join(' ') });
  if (code.length !== 18) return fail({ rule: 'credit_length', length: code.length });
  if (!/^\d{6}$/.test(code.slice(2, 8))) return fail({ rule: 'credit_region' });
  const expected = creditCheckChar(code.slice(0, 17));
  if (expected !== code[17]) return fail({ rule: 'credit_check_char', expected });
  return { ok: true, code, kind, group, issue: null };
}
