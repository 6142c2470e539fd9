/** Form controls shared by the new-person page and the edit drawer. */
import { useMemo } from 'react';
import { AutoComplete, Select, Tag, Typography } from 'antd';
import { CheckCircleFilled } from '@ant-design/icons';
import { ageFrom, checkCitizenId, type CitizenIdResult } from '../../shared/identity';
import { useI18n } from '../../shared/i18n';
import { POLITICAL_STATUSES } from '../../shared/registry';
import { useCatalogue } from './catalogue';
import { useRegistryLabels } from './labels';

/** The 56 ethnic groups as the household register writes them; 汉族 first. */
export const ETHNICITIES = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族', '满族', '侗族', '瑶族', '白族',
  '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族', '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族',
  '景颇族', '柯尔克孜族', '土族', '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族',
  '普米族', '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族',
  '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
];

/** The message for an ID-number check, or null when it is valid. */
export function useIdMessage() {
  const { t } = useI18n();
  return (r: CitizenIdResult): string | null => {
    if (r.ok) return null;
    switch (r.problem) {
      case 'incomplete':
        return t('id.incomplete', { n: r.id.length });
      case 'format':
        return t('id.format');
      case 'birth_date':
        return t('id.birthDate', { date: r.id.slice(6, 14) });
      case 'birth_future':
        return t('id.birthFuture');
      case 'province':
        return t('id.province', { code: r.id.slice(0, 2) });
      case 'check_char':
        return t('id.checkChar', { expected: r.expected ?? '' });
      default:
        return t('id.format');
    }
  };
}

/** A form rule: required (unless `optional`) and a valid GB 11643 number. */
export function useIdRule(optional = false) {
  const { t } = useI18n();
  const idMessage = useIdMessage();
  return {
    validator: (_: unknown, value: string | undefined) => {
      if (!value?.trim()) return optional ? Promise.resolve() : Promise.reject(new Error(t('common.required', { field: t('person.idNumber') })));
      const msg = idMessage(checkCitizenId(value));
      return msg ? Promise.reject(new Error(msg)) : Promise.resolve();
    },
  };
}

/** Sex, birth date and age derived from the number, read-only. */
export function IdDerived({ value }: { value: string | undefined }) {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const r = checkCitizenId(value ?? '');
  return (
    <div className="derived-box" data-testid="id-derived">
      {r.birthDate && r.sex ? (
        <>
          {r.ok && <CheckCircleFilled style={{ color: '#389e0d' }} />}
          <span>
            <strong data-testid="id-derived-sex">{labels.sex(r.sex)}</strong> · <span data-testid="id-derived-birth">{r.birthDate}</span> ·{' '}
            {t('household.ageN', { n: ageFrom(r.birthDate) })}
          </span>
          {r.upgraded && <Tag color="blue">{t('id.upgraded')}</Tag>}
        </>
      ) : (
        <Typography.Text type="secondary">{t('id.derivedHint')}</Typography.Text>
      )}
    </div>
  );
}

export function PoliticalSelect(props: { value?: string; onChange?: (v: string) => void; id?: string }) {
  const labels = useRegistryLabels();
  return <Select {...props} options={POLITICAL_STATUSES.map((s) => ({ value: s, label: labels.political(s) }))} data-testid="person-political" />;
}

export function EthnicityInput(props: { value?: string | null; onChange?: (v: string) => void; id?: string; placeholder?: string }) {
  return (
    <AutoComplete
      id={props.id}
      value={props.value ?? undefined}
      onChange={props.onChange}
      placeholder={props.placeholder}
      options={ETHNICITIES.map((e) => ({ value: e }))}
      showSearch={{ filterOption: (input, o) => String(o?.value ?? '').includes(input.trim()) }}
      allowClear
      data-testid="person-ethnicity"
    />
  );
}

/** Tag codes from the catalogue, grouped by category; must-visit tags marked. */
export function TagSelect(props: { value?: string[]; onChange?: (v: string[]) => void; id?: string; placeholder?: string }) {
  const { tags } = useCatalogue();
  const { t } = useI18n();
  const options = useMemo(() => {
    const groups = new Map<string, { value: string; label: string; mustVisit: boolean }[]>();
    for (const tg of tags) {
      if (!tg.active && !props.value?.includes(tg.code)) continue;
      const list = groups.get(tg.category) ?? [];
      list.push({ value: tg.code, label: tg.name, mustVisit: tg.mustVisit });
      groups.set(tg.category, list);
    }
    return [...groups].map(([category, options]) => ({ label: category, title: category, options }));
  }, [tags, props.value]);
  return (
    <Select
      mode="multiple"
      allowClear
      id={props.id}
      value={props.value ?? []}
      onChange={props.onChange}
      placeholder={props.placeholder}
      options={options}
      showSearch={{ optionFilterProp: 'label' }}
      optionRender={(o) => (
        <span>
          {o.label}
          {(o.data as { mustVisit?: boolean }).mustVisit && <span className="muted-level">{t('tag.mustVisit')}</span>}
        </span>
      )}
      data-testid="person-tags"
    />
  );
}
