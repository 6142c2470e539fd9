import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { unstableSetRender } from 'antd-mobile';
import { App } from './App';
import './styles.css';

// antd-mobile's imperative APIs (Toast.show, Dialog.confirm…) render with ReactDOM.render, which
// React 19 removed; give them createRoot instead.
unstableSetRender((node, container) => {
  const el = container as (Element | DocumentFragment) & { __gwRoot?: Root };
  const root = (el.__gwRoot ??= createRoot(container));
  root.render(node);
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    root.unmount();
    delete el.__gwRoot;
  };
});

const el = document.getElementById('root');
if (!el) throw new Error('#root missing');
createRoot(el).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
