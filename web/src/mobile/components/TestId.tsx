import { cloneElement, isValidElement, useLayoutEffect, useRef, type ReactElement } from 'react';

/**
 * antd-mobile puts `data-*` props on a component's outer <div>, but a test must fill the <input>
 * itself. This puts `data-testid` on the inner element matching `selector`, and passes every other
 * prop (the value/onChange a Form.Item injects) through to its only child.
 */
export function TestId({ id, selector = 'input, textarea', children, ...rest }: { id: string; selector?: string; children: ReactElement } & Record<string, unknown>) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const el = ref.current?.querySelector(selector);
    if (el && el.getAttribute('data-testid') !== id) el.setAttribute('data-testid', id);
  });
  return (
    <span ref={ref} className="m-contents">
      {isValidElement(children) ? cloneElement(children, rest) : children}
    </span>
  );
}
