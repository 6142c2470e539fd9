import { useMemo, useState } from 'react';
import { List, Popup, SideBar } from 'antd-mobile';
import { CheckOutline } from 'antd-mobile-icons';
import { useI18n } from '../../shared/i18n';
import type { CategoryDto } from '../../shared/tickets';
import { buildCatalogue, categoryName, commonCategories } from '../lib/categories';

const COMMON = '__common';

interface Props {
  list: CategoryDto[];
  use: Record<string, number>;
  value: string | null;
  onChange: (c: CategoryDto) => void;
  error?: boolean;
}

/**
 * Two-level category choice in at most two taps: the most common categories as chips right on
 * the form (one tap), and a sheet with the top classes on the left, their items on the right.
 */
export function CategoryPicker({ list, use, value, onChange, error }: Props) {
  const { t, lang } = useI18n();
  const cat = useMemo(() => buildCatalogue(list, use), [list, use]);
  const common = useMemo(() => commonCategories(cat, use), [cat, use]);
  const [open, setOpen] = useState(false);
  const selected = value ? cat.byCode.get(value) : undefined;
  const parentOfSelected = selected?.parentCode ?? (selected ? selected.code : null);
  const [side, setSide] = useState<string>(COMMON);

  const show = () => {
    setSide(parentOfSelected && cat.byCode.has(parentOfSelected) ? parentOfSelected : COMMON);
    setOpen(true);
  };
  const pick = (c: CategoryDto) => {
    onChange(c);
    setOpen(false);
  };

  const top = cat.tops.find((x) => x.category.code === side);
  const items = side === COMMON ? commonCategories(cat, use, 10) : (top?.children ?? []);
  const label = (c: CategoryDto) => {
    const parent = c.parentCode ? cat.byCode.get(c.parentCode) : undefined;
    return parent ? `${categoryName(parent, lang)} / ${categoryName(c, lang)}` : categoryName(c, lang);
  };

  return (
    <>
      <div className="m-chips" data-testid="category-chips">
        {common.map((c) => (
          <button
            type="button"
            key={c.code}
            className={`m-chip${c.code === value ? ' m-chip-on' : ''}`}
            onClick={() => onChange(c)}
            data-testid={`category-chip-${c.code}`}
          >
            {categoryName(c, lang)}
          </button>
        ))}
      </div>
      <List.Item
        onClick={show}
        extra={selected ? <span className="m-picked">{label(selected)}</span> : <span className={error ? 'm-error-text' : 'm-muted'}>{t('m.report.categoryPlaceholder')}</span>}
        data-testid="category-picker"
        data-value={value ?? ''}
      >
        {t('m.report.categoryAll')}
      </List.Item>
      <Popup visible={open} onMaskClick={() => setOpen(false)} onClose={() => setOpen(false)} bodyClassName="m-cat-popup" destroyOnClose>
        <div className="m-popup-title">{t('m.report.category')}</div>
        <div className="m-cat-body" data-testid="category-sheet">
          <SideBar activeKey={side} onChange={setSide} className="m-cat-side">
            <SideBar.Item key={COMMON} title={<span data-testid="category-top-common">{t('m.report.categoryCommon')}</span>} />
            {cat.tops.map((x) => (
              <SideBar.Item key={x.category.code} title={<span data-testid={`category-top-${x.category.code}`}>{categoryName(x.category, lang)}</span>} />
            ))}
          </SideBar>
          <div className="m-cat-items">
            <List>
              {items.map((c) => (
                <List.Item
                  key={c.code}
                  onClick={() => pick(c)}
                  arrowIcon={false}
                  extra={c.code === value ? <CheckOutline color="var(--adm-color-primary)" /> : null}
                  description={side === COMMON && c.parentCode ? categoryName(cat.byCode.get(c.parentCode), lang) : undefined}
                  data-testid={`category-option-${c.code}`}
                >
                  {categoryName(c, lang)}
                </List.Item>
              ))}
              {top && (
                <List.Item
                  key={top.category.code}
                  onClick={() => pick(top.category)}
                  arrowIcon={false}
                  className="m-cat-whole"
                  extra={top.category.code === value ? <CheckOutline color="var(--adm-color-primary)" /> : null}
                  data-testid={`category-option-${top.category.code}`}
                >
                  {t('m.report.categoryWhole', { name: categoryName(top.category, lang) })}
                </List.Item>
              )}
            </List>
          </div>
        </div>
      </Popup>
    </>
  );
}
