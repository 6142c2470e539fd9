import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button, ErrorBlock } from 'antd-mobile';
import { translate, readStoredLang } from '../../shared/i18n';

interface State {
  error: Error | null;
}

/** Last resort: a crashed screen offers a reload (drafts are in localStorage, so nothing is lost). */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('mobile app crashed', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    const lang = readStoredLang();
    return (
      <div className="m-center">
        <ErrorBlock status="default" title={translate(lang, 'error.title')} description={translate(lang, 'error.subtitle')}>
          <Button color="primary" onClick={() => window.location.reload()}>
            {translate(lang, 'error.reload')}
          </Button>
        </ErrorBlock>
      </div>
    );
  }
}
