/** Page helpers shared by console tests. */
import { assert } from './expect.mjs';

export const DEMO_PASSWORD = 'gridwork-demo';

/** Sign in through the login form; resolves once the form has gone. */
export async function login(page, username, password = DEMO_PASSWORD) {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/auth/login') && r.request().method() === 'POST'),
    page.getByTestId('login-submit').click(),
  ]);
  assert(res.status() === 200, `login as ${username} answered HTTP ${res.status()}: ${await res.text()}`);
  await page.getByTestId('login-submit').waitFor({ state: 'detached' });
}

/** The antd tree node row that holds the title with data-testid region-node-<code>. */
export function treeNode(page, code) {
  return page.locator('.ant-tree-treenode', { has: page.getByTestId(`region-node-${code}`) });
}

/** Click a tree node's expand switcher and return the children the lazy load fetched. */
export async function expandTreeNode(page, code) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().includes(`/api/regions/${code}/children`) && r.request().method() === 'GET'),
    treeNode(page, code).locator('.ant-tree-switcher').click(),
  ]);
  assert(res.status() === 200, `GET /api/regions/${code}/children answered HTTP ${res.status()}`);
  const children = await res.json();
  assert(Array.isArray(children), `children of ${code} is not an array`);
  return children;
}
