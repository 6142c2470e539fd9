import { Segmented } from 'antd';
import { useI18n, type Lang } from '../../shared/i18n';

export function LanguageSwitch({ size = 'small' }: { size?: 'small' | 'middle' }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented<Lang>
      size={size}
      value={lang}
      onChange={setLang}
      aria-label={t('lang.label')}
      data-testid="lang-switch"
      options={[
        { label: t('lang.zh'), value: 'zh-CN' },
        { label: t('lang.en'), value: 'en' },
      ]}
    />
  );
}
