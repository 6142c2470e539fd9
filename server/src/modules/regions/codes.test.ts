import { describe, expect, it } from 'vitest';
import { ancestorCodes, childCode, divisionKind, parseRegionCode } from './codes.js';

describe('region codes', () => {
  it.each([
    ['1503', '150300000000', 'city', '1503', null],
    ['150300000000', '150300000000', 'city', '1503', null],
    ['150302', '150302000000', 'district', '150302', '150300000000'],
    ['150302001', '150302001000', 'street', '150302001', '150302000000'],
    ['150302001002', '150302001002', 'community', '150302001002', '150302001000'],
    ['150302001002003', '150302001002003', 'grid', '150302001002003', '150302001002'],
    ['150302001002003001', '150302001002003001', 'microgrid', '150302001002003001', '150302001002003'],
  ])('%s → %s (%s)', (input, code, level, path, parent) => {
    expect(parseRegionCode(input)).toEqual({ code, level, path, parentCode: parent });
  });

  it.each(['', '15', '15030', 'abc', '1503000000000', '000000000000', '150000000000', '150300001000', '150302000001', '150302001002000', '150302001000001', '150302001002003000'])(
    'rejects %j',
    (input) => expect(parseRegionCode(input)).toBeNull(),
  );

  it('derives ancestors and child codes', () => {
    expect(ancestorCodes(parseRegionCode('150302001002003')!)).toEqual(['150300000000', '150302000000', '150302001000', '150302001002']);
    expect(childCode(parseRegionCode('150302001002')!, 7)).toBe('150302001002007');
    expect(() => childCode(parseRegionCode('150302001000')!, 1)).toThrow();
    expect(() => childCode(parseRegionCode('150302001002')!, 1000)).toThrow();
  });

  it('classifies townships and villages by name, warning when the code range disagrees', () => {
    expect(divisionKind('street', '150302001000', '凤凰岭街道')).toEqual({ kind: 'street' });
    expect(divisionKind('street', '150303100000', '巴音陶亥镇')).toEqual({ kind: 'town' });
    expect(divisionKind('street', '150303200000', '某某苏木')).toEqual({ kind: 'township' });
    const odd = divisionKind('street', '150303005000', '某某镇');
    expect(odd.kind).toBe('town');
    expect(odd.warning).toMatch(/代码段/);
    expect(divisionKind('community', '150302001002', '和平社区居委会')).toEqual({ kind: 'residents_committee' });
    expect(divisionKind('community', '150303100201', '某某村委会')).toEqual({ kind: 'villagers_committee' });
    expect(divisionKind('community', '150303100201', '某某嘎查')).toEqual({ kind: 'villagers_committee' });
    expect(divisionKind('community', '150303100001', '某某村委会').warning).toBeDefined();
  });
});
