import { Space, Tag, Tooltip } from 'antd';
import { useT } from '../../shared/i18n';

/** 组织覆盖 / 工作覆盖 as two tags (green when covered). */
export function CoverageTags({ org }: { org: { orgCovered: boolean; workCovered: boolean } }) {
  const t = useT();
  return (
    <Space size={4}>
      <Tooltip title={t('coverage.orgHint')}>
        <Tag color={org.orgCovered ? 'green' : 'default'}>
          {t('coverage.orgShort')}
          {org.orgCovered ? '✓' : '✗'}
        </Tag>
      </Tooltip>
      <Tooltip title={t('coverage.workHint')}>
        <Tag color={org.workCovered ? 'green' : 'default'}>
          {t('coverage.workShort')}
          {org.workCovered ? '✓' : '✗'}
        </Tag>
      </Tooltip>
    </Space>
  );
}
