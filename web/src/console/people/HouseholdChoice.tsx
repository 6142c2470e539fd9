import { useEffect, useState } from 'react';
import { Form, Radio, Select, Space, Typography } from 'antd';
import { useI18n } from '../../shared/i18n';
import { householdsApi, housesApi, RELATIONS, type HouseholdListItem } from '../../shared/registry';
import { ColourChip } from './bits';
import { useRegistryLabels } from './labels';

export type HouseholdMode = 'new' | 'join' | 'none';

/** Active households living in one house (the list endpoint searches by address; keep exact matches). */
export async function householdsInHouse(houseId: number): Promise<HouseholdListItem[]> {
  const house = await housesApi.get(houseId);
  const page = await householdsApi.list({ address: house.address, limit: 100 });
  return page.items.filter((h) => h.houseId === houseId);
}

export function useHouseholdsInHouse(houseId: number | null | undefined, refresh = 0) {
  const [list, setList] = useState<HouseholdListItem[] | null>(null);
  useEffect(() => {
    setList(null);
    if (!houseId) return;
    let alive = true;
    householdsInHouse(houseId)
      .then((l) => alive && setList(l))
      .catch(() => alive && setList([]));
    return () => {
      alive = false;
    };
  }, [houseId, refresh]);
  return list;
}

/**
 * Form fields `householdMode`, `householdId`, `relation` for moving into a house: found a new
 * household (the person is its head) or join one that already lives there.
 * `allowNone` adds "do not join a household yet" (registering only the address).
 */
export function HouseholdChoice({
  houseId,
  allowNone = false,
  households,
}: {
  houseId: number | null | undefined;
  allowNone?: boolean;
  households: HouseholdListItem[] | null;
}) {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const form = Form.useFormInstance();
  const mode = Form.useWatch('householdMode', form) as HouseholdMode | undefined;

  // Sensible default once the house's households are known: join the only one, else found a new one.
  useEffect(() => {
    if (!households) return;
    const current = form.getFieldValue('householdMode') as HouseholdMode | undefined;
    const chosen = form.getFieldValue('householdId') as number | undefined;
    if (chosen && households.some((h) => h.id === chosen)) return;
    if (households.length === 1 && current !== 'none') form.setFieldsValue({ householdMode: 'join', householdId: households[0]!.id });
    else if (!households.length && current === 'join') form.setFieldsValue({ householdMode: 'new', householdId: undefined });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [households]);

  if (!houseId) return null;
  const hasHouseholds = !!households?.length;
  return (
    <>
      <Form.Item name="householdMode" label={t('moveIn.household')}>
        <Radio.Group data-testid="household-mode">
          <Space orientation="vertical" size={4}>
            <Radio value="new">{t('moveIn.newHousehold')}</Radio>
            <Radio value="join" disabled={!hasHouseholds}>
              {hasHouseholds ? t('moveIn.joinHousehold') : t('moveIn.noHouseholds')}
            </Radio>
            {allowNone && <Radio value="none">{t('moveIn.noHousehold')}</Radio>}
          </Space>
        </Radio.Group>
      </Form.Item>
      {mode === 'join' && hasHouseholds && (
        <Space align="start" wrap style={{ width: '100%' }}>
          <Form.Item
            name="householdId"
            label={t('moveIn.whichHousehold')}
            rules={[{ required: true, message: t('moveIn.chooseHousehold') }]}
            style={{ minWidth: 260 }}
          >
            <Select
              data-testid="household-pick"
              options={households!.map((h) => ({
                value: h.id,
                label: (
                  <span>
                    {t('household.headOf', { name: h.headName ?? '—' })}
                    <span className="muted-level">{t('household.memberCount', { n: h.members })}</span>
                    {h.colour && (
                      <span style={{ marginInlineStart: 8 }}>
                        <ColourChip code={h.colour} />
                      </span>
                    )}
                  </span>
                ),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="relation"
            label={t('person.relation')}
            rules={[{ required: true, message: t('common.required', { field: t('person.relation') }) }]}
            style={{ minWidth: 160 }}
          >
            <Select
              data-testid="household-relation"
              options={RELATIONS.filter((r) => r !== 'head').map((r) => ({ value: r, label: labels.relation(r) }))}
            />
          </Form.Item>
        </Space>
      )}
      {mode === 'new' && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -12 }}>
          {t('moveIn.newHouseholdHint')}
        </Typography.Paragraph>
      )}
    </>
  );
}
