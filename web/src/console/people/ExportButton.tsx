import { useState } from 'react';
import { Alert, App, Button, Checkbox, Modal, Radio, Space, Typography } from 'antd';
import { DownloadOutlined, ExclamationCircleOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { downloadFile, type PeopleQuery } from '../../shared/registry';
import { testIdProps } from './bits';

/** 导出: the list's current filters as xlsx or csv; full ID numbers/phones only for roles that may unmask, after a warning. */
export function ExportButton({ query }: { query: PeopleQuery }) {
  const { t, lang } = useI18n();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const [open, setOpen] = useState(false);
  const [format, setFormat] = useState<'xlsx' | 'csv'>('xlsx');
  const [unmasked, setUnmasked] = useState(false);
  const [busy, setBusy] = useState(false);
  const mayUnmask = can('person.unmask');

  const run = async () => {
    setBusy(true);
    try {
      const { cursor: _c, limit: _l, ...filters } = query;
      const name = await downloadFile(
        '/api/people/export',
        { ...filters, format, unmasked: mayUnmask && unmasked ? true : undefined },
        lang,
        `people.${format}`,
      );
      message.success(t('people.exported', { name }));
      setOpen(false);
      setUnmasked(false);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const confirm = () => {
    if (!(mayUnmask && unmasked)) return void run();
    modal.confirm({
      title: t('people.exportUnmaskedConfirmTitle'),
      icon: <ExclamationCircleOutlined />,
      content: t('people.exportUnmaskedConfirm'),
      okText: t('people.exportUnmaskedOk'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: run,
    });
  };

  return (
    <>
      <Button icon={<DownloadOutlined />} onClick={() => setOpen(true)} data-testid="people-export">
        {t('people.export')}
      </Button>
      <Modal
        open={open}
        title={t('people.exportTitle')}
        onCancel={() => setOpen(false)}
        onOk={confirm}
        okText={t('people.exportOk')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
        okButtonProps={testIdProps('people-export-ok')}
      >
        <Space orientation="vertical" style={{ width: '100%' }} size="middle">
          <Typography.Text type="secondary">{t('people.exportHint')}</Typography.Text>
          <Radio.Group
            value={format}
            onChange={(e) => setFormat(e.target.value as 'xlsx' | 'csv')}
            options={[
              { value: 'xlsx', label: t('people.formatXlsx') },
              { value: 'csv', label: t('people.formatCsv') },
            ]}
            optionType="button"
          />
          {mayUnmask && (
            <Checkbox checked={unmasked} onChange={(e) => setUnmasked(e.target.checked)} data-testid="people-export-unmasked">
              {t('people.exportUnmasked')}
            </Checkbox>
          )}
          {mayUnmask && unmasked && <Alert type="warning" showIcon title={t('people.exportUnmaskedWarn')} />}
          {!mayUnmask && <Typography.Text type="secondary">{t('people.exportMaskedOnly')}</Typography.Text>}
        </Space>
      </Modal>
    </>
  );
}
