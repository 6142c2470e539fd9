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

  // A page that could not be loaded without a signal loads once the signal is back (a reload
  // loses nothing: drafts and the outbox are in localStorage, and sending resumes on start).
  private readonly online = () => {
    if (this.state.error) window.location.reload();
  };

  override componentDidMount(): void {
    window.addEventListener('online', this.online);
  }

  override componentWillUnmount(): void {
    window.removeEventListener('online', this.online);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    const lang = readStoredLang();
    return (
      <div className="m-center">
        <ErrorBlock status="default" title={translate(lang, 'error.title')} description={translate(lang, navigator.onLine ? 'error.subtitle' : 'm.error.offline')}>
          <Button color="primary" onClick={() => window.location.reload()}>
            {translate(lang, 'error.reload')}
          </Button>
        </ErrorBlock>
      </div>
    );
  }
}
