import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button, Result, Typography } from 'antd';
import { useI18n } from '../../shared/i18n';

function Fallback({ error, onReset }: { error: Error; onReset: () => void }) {
  const { t } = useI18n();
  return (
    <Result
      status="error"
      title={t('error.title')}
      subTitle={t('error.subtitle')}
      extra={[
        <Button key="retry" onClick={onReset}>
          {t('common.retry')}
        </Button>,
        <Button key="reload" type="primary" onClick={() => window.location.reload()}>
          {t('error.reload')}
        </Button>,
      ]}
    >
      <Typography.Paragraph type="secondary" code style={{ whiteSpace: 'pre-wrap' }}>
        {error.message}
      </Typography.Paragraph>
    </Result>
  );
}

interface Props {
  children: ReactNode;
  /** Change to clear a caught error (e.g. the current path). */
  resetKey?: string;
}

interface State {
  error: Error | null;
  resetKey: string | undefined;
}

/** Catches render errors below it and shows a friendly page instead of a blank screen. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    if (props.resetKey !== state.resetKey) return { resetKey: props.resetKey, error: null };
    return null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('render error', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error) return <Fallback error={this.state.error} onReset={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}
