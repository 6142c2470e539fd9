/**
 * What a department file can fill, per kind, and how its column headers are recognised.
 * Departments name the same column many ways (姓名/名字, 身份证号/公民身份号码/证件号码 …); a
 * saved template per department fixes the choice once, synonyms cover the first upload.
 */
export const IMPORT_KINDS = ['people', 'houses', 'orgs'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const KIND_LABEL: Record<ImportKind, string> = { people: '人口', houses: '房屋', orgs: '单位组织' };

export interface TargetField {
  key: string;
  label: string;
  required: boolean;
  /** Header spellings seen in department files (compared after `normaliseHeader`). */
  synonyms: string[];
  /** Personal information: shown masked in previews and error reports. */
  pii?: 'id' | 'phone';
}

const REGION_SYNONYMS = ['所属网格', '网格编码', '网格代码', '所属网格代码', '区划代码', '社区代码', '所属社区代码', '所属区划', '行政区划代码', '网格编号'];

export const TARGET_FIELDS: Record<ImportKind, TargetField[]> = {
  people: [
    { key: 'name', label: '姓名', required: true, synonyms: ['姓名', '名字', '人员姓名', '居民姓名'] },
    { key: 'idNumber', label: '身份证号', required: true, pii: 'id', synonyms: ['身份证号', '身份证号码', '公民身份号码', '证件号码', '身份证', '身份证件号码', '证件号'] },
    { key: 'phone', label: '联系电话', required: false, pii: 'phone', synonyms: ['联系电话', '手机号', '手机号码', '电话', '电话号码', '联系方式', '手机'] },
    { key: 'ethnicity', label: '民族', required: false, synonyms: ['民族'] },
    { key: 'politicalStatus', label: '政治面貌', required: false, synonyms: ['政治面貌'] },
    { key: 'registeredAddress', label: '户籍地址', required: false, synonyms: ['户籍地址', '户籍所在地', '户口所在地', '户籍地', '户籍住址'] },
    { key: 'address', label: '现住址', required: false, synonyms: ['现住址', '居住地址', '现居住地址', '实际居住地址', '现居住地', '居住地', '住址', '现住地址'] },
    { key: 'regionCode', label: '所属网格/社区代码', required: false, synonyms: REGION_SYNONYMS },
    { key: 'tags', label: '人员标签', required: false, synonyms: ['标签', '人员标签', '人员类别', '人群类别', '人员类型', '重点人群'] },
  ],
  houses: [
    { key: 'address', label: '房屋地址', required: true, synonyms: ['房屋地址', '地址', '门牌地址', '房屋坐落', '坐落', '住址'] },
    { key: 'regionCode', label: '所属网格/社区代码（新房屋必填）', required: false, synonyms: REGION_SYNONYMS },
    { key: 'floor', label: '楼层', required: false, synonyms: ['楼层', '所在楼层', '所在层'] },
    { key: 'room', label: '房号', required: false, synonyms: ['房号', '室号', '房间号', '户号'] },
    { key: 'areaM2', label: '面积（㎡）', required: false, synonyms: ['面积', '建筑面积', '房屋面积', '使用面积'] },
    { key: 'use', label: '用途', required: false, synonyms: ['用途', '房屋用途', '房屋性质', '使用性质'] },
    { key: 'occupancy', label: '居住状态', required: false, synonyms: ['居住状态', '使用状态', '房屋状态', '居住情况', '使用情况'] },
  ],
  orgs: [
    { key: 'creditCode', label: '统一社会信用代码', required: true, synonyms: ['统一社会信用代码', '社会信用代码', '信用代码', '统一代码'] },
    { key: 'name', label: '单位名称', required: true, synonyms: ['单位名称', '企业名称', '组织名称', '机构名称', '名称', '社会组织名称'] },
    { key: 'industry', label: '行业门类', required: false, synonyms: ['行业', '所属行业', '行业门类', '行业类别', '国民经济行业'] },
    { key: 'address', label: '地址', required: false, synonyms: ['地址', '经营地址', '注册地址', '住所', '办公地址', '经营场所'] },
    { key: 'regionCode', label: '所属网格/社区代码', required: false, synonyms: REGION_SYNONYMS },
    { key: 'employees', label: '从业人数', required: false, synonyms: ['从业人数', '从业人员', '员工人数', '职工人数', '从业人员数'] },
    { key: 'hasPremises', label: '有固定场所', required: false, synonyms: ['有固定场所', '固定场所', '有无固定场所', '有经营场所'] },
    { key: 'hasStaff', label: '有从业人员', required: false, synonyms: ['有从业人员', '有员工', '有无从业人员', '有无员工'] },
    { key: 'hasRevenue', label: '有营业收入', required: false, synonyms: ['有营业收入', '有营收', '有无营业收入', '有经营收入'] },
  ],
};

export function fieldOf(kind: ImportKind, key: string): TargetField | undefined {
  return TARGET_FIELDS[kind].find((f) => f.key === key);
}

/** Compare headers loosely: full-width → half-width, no spaces, required-field stars or bracketed units. */
export function normaliseHeader(h: string): string {
  return h
    .normalize('NFKC')
    .replace(/[(\[【（][^)\]】）]*[)\]】）]/g, '')
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();
}

/**
 * Guess which header fills which field: exact synonym matches first, then a header that
 * contains a synonym of three or more characters ("本人联系电话"). Each header is used once.
 */
export function suggestColumns(kind: ImportKind, headers: string[]): Record<string, string> {
  const norm = headers.map(normaliseHeader);
  const used = new Set<number>();
  const out: Record<string, string> = {};
  const take = (key: string, i: number) => {
    out[key] = headers[i]!;
    used.add(i);
  };
  for (const f of TARGET_FIELDS[kind]) {
    const syn = f.synonyms.map(normaliseHeader);
    const i = norm.findIndex((h, j) => !used.has(j) && syn.includes(h));
    if (i >= 0) take(f.key, i);
  }
  for (const f of TARGET_FIELDS[kind]) {
    if (out[f.key]) continue;
    const syn = f.synonyms.map(normaliseHeader).filter((s) => s.length >= 3);
    const i = norm.findIndex((h, j) => !used.has(j) && syn.some((s) => h.includes(s)));
    if (i >= 0) take(f.key, i);
  }
  return out;
}

/** A saved template fits a file when every header it names is present. */
export function templateFits(columns: Record<string, string>, headers: string[]): boolean {
  const have = new Set(headers.map(normaliseHeader));
  const named = Object.values(columns);
  return named.length > 0 && named.every((h) => have.has(normaliseHeader(h)));
}

export function missingRequired(kind: ImportKind, columns: Record<string, string>): TargetField[] {
  return TARGET_FIELDS[kind].filter((f) => f.required && !columns[f.key]);
}
