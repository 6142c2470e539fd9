import { describe, expect, it } from 'vitest';
import { citizenIdCheckChar, parseCitizenId } from './citizenId.js';
import { creditCheckChar, parseCreditCode } from './creditCode.js';

const withCheck = (first17: string) => first17 + citizenIdCheckChar(first17);

describe('GB 11643 citizen ID', () => {
  it("accepts the standard's example 11010519491231002X", () => {
    const r = parseCitizenId('11010519491231002X');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.info).toMatchObject({ birthDate: '1949-12-31', sex: 'female', addressCode: '110105', issues: [] });
  });

  it('derives sex from the sequence digit and accepts lower-case x', () => {
    const male = withCheck('15030219800101001');
    expect(parseCitizenId(male)).toMatchObject({ ok: true, info: { sex: 'male', birthDate: '1980-01-01' } });
    expect(parseCitizenId('11010519491231002x').ok).toBe(true);
  });

  it.each([
    ['wrong check character', '110105194912310021', 'id_check_char'],
    ['too short', '1101051949123100', 'id_format'],
    ['letters', '11010519491231002A', 'id_format'],
    ['30 February', withCheck('15030219800230001'), 'id_birth_date'],
    ['month 13', withCheck('15030219801301001'), 'id_birth_date'],
    ['born in the future', withCheck('15030221000101001'), 'id_birth_future'],
    ['unknown province', withCheck('99030219800101001'), 'id_address_code'],
  ])('rejects %s', (_name, id, rule) => {
    const r = parseCitizenId(id);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.rule)).toContain(rule);
  });

  it('warns, without rejecting, for a county code that is no longer current', () => {
    // 150301 is not a current county code of 乌海市 (150302-150304 are); the province exists.
    const r = parseCitizenId(withCheck('15030119800101001'));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.info.issues).toEqual([expect.objectContaining({ rule: 'id_address_code_unknown', severity: 'warning' })]);
  });

  it('upgrades a 15-digit number with a warning', () => {
    const r = parseCitizenId('150302800101001');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.info.id).toBe(withCheck('15030219800101001'));
      expect(r.info.issues[0]!.rule).toBe('id_upgraded');
    }
  });
});

describe('GB 32100 unified social credit code', () => {
  const valid = (first17: string) => first17 + creditCheckChar(first17);

  it('accepts a valid enterprise code and derives its kind from the prefix', () => {
    // A widely published real code (Huawei Technologies Co., Ltd.).
    const r = parseCreditCode('914403001922038216');
    expect(r).toMatchObject({ ok: true, info: { kind: '91', group: 'enterprise', regionCode: '440300' } });
  });

  it.each([
    ['51', 'social_org'],
    ['52', 'social_org'],
    ['53', 'social_org'],
    ['92', 'enterprise'],
    ['93', 'enterprise'],
  ])('prefix %s is a %s', (prefix, group) => {
    const r = parseCreditCode(valid(`${prefix}150302MA0N12345`));
    expect(r).toMatchObject({ ok: true, info: { group } });
  });

  it.each([
    ['wrong length', '91440300192203821', 'credit_length'],
    ['forbidden letter I', '91440300I92203821X', 'credit_charset'],
    ['wrong check character', '914403001922038217', 'credit_check_char'],
    ['region not digits', valid('9144AB001922038A1'), 'credit_region'],
  ])('rejects %s', (_n, code, rule) => {
    const r = parseCreditCode(code);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.rule).toBe(rule);
  });

  it('warns on an unusual prefix', () => {
    const r = parseCreditCode(valid('Q1150302MA0N12345'));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.info.issues[0]!.rule).toBe('credit_kind_unknown');
  });
});
