import { Selector } from 'antd-mobile';
import { LANGS, useI18n, type Lang } from '../../shared/i18n';

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <Selector<Lang>
      data-testid="lang-switch"
      className="m-lang-switch"
      columns={2}
      showCheckMark={false}
      value={[lang]}
      options={LANGS.map((l) => ({ value: l, label: l === 'en' ? t('lang.en') : t('lang.zh') }))}
      onChange={(v) => v[0] && setLang(v[0])}
    />
  );
}
