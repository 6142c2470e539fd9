import { divisionCodeSets } from './divisionCodes.js';

/** A rule broken by an input value; `warning` ones are reported but do not reject the value. */
export interface RuleIssue {
  rule: string;
  severity: 'error' | 'warning';
  zh: string;
  en: string;
}

export interface CitizenIdInfo {
  /** Canonical 18-character number (upper-case X; 15-digit numbers upgraded). */
  id: string;
  addressCode: string;
  birthDate: string; // YYYY-MM-DD
  sex: 'male' | 'female';
  issues: RuleIssue[];
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits. */
export function citizenIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

function realDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

const err = (rule: string, zh: string, en: string): RuleIssue => ({ rule, severity: 'error', zh, en });
const warn = (rule: string, zh: string, en: string): RuleIssue => ({ rule, severity: 'warning', zh, en });

/**
 * Validate a citizen identity number (GB 11643-1999): format, real birth date not in the
 * future, known province, check character. A county code that is not current (retired after a
 * re-division) is a warning only. Returns the derived sex and birth date.
 */
export function parseCitizenId(raw: string, today = new Date()): { ok: true; info: CitizenIdInfo } | { ok: false; issues: RuleIssue[] } {
  let id = raw.trim().toUpperCase();
  const issues: RuleIssue[] = [];
  if (/^\d{15}$/.test(id)) {
    // First-generation numbers: 2-digit year, no check character. Upgrade as the standard says.
    id = `${id.slice(0, 6)}19${id.slice(6)}`;
    id += citizenIdCheckChar(id);
    issues.push(warn('id_upgraded', '15 位旧号码，已升级为 18 位', 'a 15-digit number, upgraded to 18 digits'));
  }
  if (!/^\d{17}[\dX]$/.test(id)) {
    return { ok: false, issues: [err('id_format', '应为 18 位：17 位数字加 1 位数字或 X', 'must be 17 digits followed by a digit or X')] };
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const errors: RuleIssue[] = [];
  if (!realDate(y, m, d) || y < 1880) {
    errors.push(err('id_birth_date', `出生日期 ${id.slice(6, 14)} 不是真实日期`, `birth date ${id.slice(6, 14)} is not a real date`));
  } else if (Date.UTC(y, m - 1, d) > today.getTime()) {
    errors.push(err('id_birth_future', '出生日期晚于今天', 'the birth date is in the future'));
  }
  const { provinces, counties } = divisionCodeSets();
  const addressCode = id.slice(0, 6);
  if (!provinces.has(id.slice(0, 2))) {
    errors.push(err('id_address_code', `地址码 ${addressCode} 的省级代码不存在`, `address code ${addressCode} has no such province`));
  } else if (!counties.has(addressCode) && !/0000$|00$/.test(addressCode)) {
    issues.push(warn('id_address_code_unknown', `地址码 ${addressCode} 不在现行区划中（可能已撤销）`, `address code ${addressCode} is not current (perhaps retired)`));
  }
  const check = citizenIdCheckChar(id);
  if (check !== id[17]) {
    errors.push(err('id_check_char', `校验码应为 ${check}`, `the check character should be ${check}`));
  }
  if (errors.length) return { ok: false, issues: [...errors, ...issues] };
  return {
    ok: true,
    info: {
      id,
      addressCode,
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      sex: Number(id[16]) % 2 === 1 ? 'male' : 'female',
      issues,
    },
  };
}
