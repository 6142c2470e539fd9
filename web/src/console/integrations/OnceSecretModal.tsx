/** A secret the server shows only once (webhook signing secret, Open311 key), with a copy button. */
import { useState, type ReactNode } from 'react';
import { Alert, App, Button, Input, Modal, Space } from 'antd';
import { CheckOutlined, CopyOutlined } from '@ant-design/icons';
import { useT } from '../../shared/i18n';

/** Copy text to the clipboard; falls back to a hidden textarea where the Clipboard API is missing (plain http). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through */
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

export function OnceSecretModal({
  secret,
  title,
  intro,
  children,
  onClose,
  testId = 'once-secret',
}: {
  /** null: closed */
  secret: string | null;
  title: string;
  intro: ReactNode;
  children?: ReactNode;
  onClose: () => void;
  testId?: string;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    if (!secret) return;
    if (await copyText(secret)) {
      setCopied(true);
      message.success(t('integ.once.copied'));
    } else {
      message.warning(t('integ.once.copyFailed'));
    }
  };

  const close = () => {
    setCopied(false);
    onClose();
  };

  return (
    <Modal
      open={!!secret}
      title={title}
      onCancel={close}
      mask={{ closable: false }}
      keyboard={false}
      width={640}
      destroyOnHidden
      data-testid={testId}
      footer={
        <Button type="primary" onClick={close} data-testid={`${testId}-done`}>
          {t('integ.once.done')}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={t('integ.once.title')} description={t('integ.once.warning')} style={{ marginBottom: 12 }} />
      <div style={{ marginBottom: 8 }}>{intro}</div>
      <Space.Compact style={{ width: '100%', marginBottom: 12 }}>
        <Input
          readOnly
          value={secret ?? ''}
          className="mono"
          onFocus={(e) => e.target.select()}
          data-testid={`${testId}-value`}
        />
        <Button type="primary" icon={copied ? <CheckOutlined /> : <CopyOutlined />} onClick={() => void copy()} data-testid={`${testId}-copy`}>
          {t('integ.once.copy')}
        </Button>
      </Space.Compact>
      {children}
    </Modal>
  );
}
