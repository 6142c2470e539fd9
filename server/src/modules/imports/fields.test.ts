import { describe, expect, it } from 'vitest';
import { missingRequired, normaliseHeader, suggestColumns, templateFits } from './fields.js';

describe('header synonyms', () => {
  it('maps the common department spellings of people columns', () => {
    const headers = ['序号', '名字', '公民身份号码', '手机号', '民族', '政治面貌', '户籍所在地', '现居住地址', '所属网格', '人员类别'];
    expect(suggestColumns('people', headers)).toEqual({
      name: '名字',
      idNumber: '公民身份号码',
      phone: '手机号',
      ethnicity: '民族',
      politicalStatus: '政治面貌',
      registeredAddress: '户籍所在地',
      address: '现居住地址',
      regionCode: '所属网格',
      tags: '人员类别',
    });
  });

  it('ignores stars, spaces, full-width forms and bracketed units', () => {
    expect(normaliseHeader(' 姓 名* ')).toBe('姓名');
    expect(normaliseHeader('建筑面积（㎡）')).toBe('建筑面积');
    expect(suggestColumns('people', ['*姓名', '身份证号码(18位)', '联系电话（手机）'])).toEqual({ name: '*姓名', idNumber: '身份证号码(18位)', phone: '联系电话（手机）' });
    expect(suggestColumns('houses', ['房屋地址', '建筑面积（㎡）', '用途'])).toEqual({ address: '房屋地址', areaM2: '建筑面积（㎡）', use: '用途' });
  });

  it('matches a longer header containing a synonym, and uses each header once', () => {
    expect(suggestColumns('people', ['本人联系电话', '姓名', '身份证号'])).toMatchObject({ phone: '本人联系电话' });
    // 住址 alone is the actual residence; 户籍住址 goes to the registered address, not both.
    const m = suggestColumns('people', ['姓名', '身份证号', '户籍住址', '住址']);
    expect(m).toMatchObject({ registeredAddress: '户籍住址', address: '住址' });
  });

  it('maps organisation columns', () => {
    expect(suggestColumns('orgs', ['统一社会信用代码', '企业名称', '所属行业', '从业人员', '有无固定场所'])).toEqual({
      creditCode: '统一社会信用代码',
      name: '企业名称',
      industry: '所属行业',
      employees: '从业人员',
      hasPremises: '有无固定场所',
    });
  });

  it('names the required fields a mapping lacks', () => {
    expect(missingRequired('people', { name: '姓名' }).map((f) => f.key)).toEqual(['idNumber']);
    expect(missingRequired('orgs', { creditCode: 'a', name: 'b' })).toEqual([]);
  });

  it('a saved template fits a file that has every header it names', () => {
    expect(templateFits({ name: '姓名', idNumber: '身份证号' }, ['序号', '姓名', '身份证号'])).toBe(true);
    expect(templateFits({ name: '姓名', idNumber: '公民身份号码' }, ['姓名', '身份证号'])).toBe(false);
    expect(templateFits({}, ['姓名'])).toBe(false);
  });
});
