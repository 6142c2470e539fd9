import type { RuleIssue } from './citizenId.js';

/** GB 32100-2015: 31 characters, no I O S V Z. */
export const CREDIT_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Registration authority + organisation category (first two characters) → kind. */
export const CREDIT_KINDS: Record<string, { zh: string; en: string; group: 'enterprise' | 'social_org' | 'public' | 'other' }> = {
  '11': { zh: '机关', en: 'government body', group: 'public' },
  '12': { zh: '事业单位', en: 'public institution', group: 'public' },
  '13': { zh: '编办直管群众团体', en: 'mass organisation', group: 'public' },
  '19': { zh: '其他机构编制单位', en: 'other (staffing)', group: 'public' },
  '31': { zh: '律师执业机构', en: 'law firm', group: 'other' },
  '32': { zh: '公证处', en: 'notary office', group: 'other' },
  '33': { zh: '基层法律服务所', en: 'legal service office', group: 'other' },
  '39': { zh: '其他司法行政登记单位', en: 'other (justice)', group: 'other' },
  '51': { zh: '社会团体', en: 'social group', group: 'social_org' },
  '52': { zh: '民办非企业单位（社会服务机构）', en: 'private non-enterprise unit', group: 'social_org' },
  '53': { zh: '基金会', en: 'foundation', group: 'social_org' },
  '59': { zh: '其他民政登记单位', en: 'other (civil affairs)', group: 'social_org' },
  '71': { zh: '宗教活动场所', en: 'religious venue', group: 'other' },
  '81': { zh: '基层工会', en: 'trade union', group: 'other' },
  '91': { zh: '企业', en: 'enterprise', group: 'enterprise' },
  '92': { zh: '个体工商户', en: 'individual business', group: 'enterprise' },
  '93': { zh: '农民专业合作社', en: 'farmers’ cooperative', group: 'enterprise' },
  N1: { zh: '农村集体经济组织', en: 'rural collective', group: 'other' },
  Y1: { zh: '其他', en: 'other', group: 'other' },
};

export function creditCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARSET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CREDIT_CHARSET[(31 - (sum % 31)) % 31]!;
}

export interface CreditCodeInfo {
  code: string;
  kind: string;
  kindZh: string;
  group: 'enterprise' | 'social_org' | 'public' | 'other';
  regionCode: string;
  issues: RuleIssue[];
}

/** Validate a unified social credit code (GB 32100): length, character set, MOD 31 check. */
export function parseCreditCode(raw: string): { ok: true; info: CreditCodeInfo } | { ok: false; issues: RuleIssue[] } {
  const code = raw.trim().toUpperCase();
  const e = (rule: string, zh: string, en: string): RuleIssue => ({ rule, severity: 'error', zh, en });
  if (code.length !== 18) return { ok: false, issues: [e('credit_length', '应为 18 位', 'must be 18 characters')] };
  const bad = [...code].filter((c) => !CREDIT_CHARSET.includes(c));
  if (bad.length) {
    return { ok: false, issues: [e('credit_charset', `含有不允许的字符 ${[...new Set(bad)].join(' ')}（不使用 I、O、S、V、Z）`, `contains characters outside the code set: ${[...new Set(bad)].join(' ')}`)] };
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    return { ok: false, issues: [e('credit_region', '第 3-8 位应为 6 位行政区划码', 'characters 3-8 must be a 6-digit division code')] };
  }
  const check = creditCheckChar(code.slice(0, 17));
  if (check !== code[17]) return { ok: false, issues: [e('credit_check_char', `校验码应为 ${check}`, `the check character should be ${check}`)] };
  const kind = CREDIT_KINDS[code.slice(0, 2)];
  const issues: RuleIssue[] = kind
    ? []
    : [{ rule: 'credit_kind_unknown', severity: 'warning', zh: `登记管理部门和机构类别代码 ${code.slice(0, 2)} 不在常用表中`, en: `unknown authority/category ${code.slice(0, 2)}` }];
  return {
    ok: true,
    info: { code, kind: code.slice(0, 2), kindZh: kind?.zh ?? '其他', group: kind?.group ?? 'other', regionCode: code.slice(2, 8), issues },
  };
}
