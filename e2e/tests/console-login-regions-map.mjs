/**
 * Console happy path: sign in as the demo city admin, browse the lazily loaded region tree, and open
 * the grid map of a community, which must draw at least 10 grid polygons.
 */
import path from 'node:path';
import { assert, waitFor } from '../lib/expect.mjs';
import { expandTreeNode, login, treeNode } from '../lib/console.mjs';

const CITY = '150300000000';
const DISTRICTS = {
  '150302000000': '海勃湾区',
  '150303000000': '海南区',
  '150304000000': '乌达区',
};

export async function run({ page, baseURL, artifacts }) {
  // A deep link while signed out lands on the login page, then comes back after sign-in.
  await page.goto(`${baseURL}/regions`);
  await page.waitForURL((u) => u.pathname === '/login', { timeout: 15_000 });
  const demo = page.getByTestId('demo-accounts');
  await demo.waitFor({ timeout: 15_000 });
  const demoText = await demo.innerText();
  assert(demoText.includes('演示账号'), `demo box should be labelled 演示账号, got: ${demoText.slice(0, 120)}`);
  assert(demoText.includes('admin'), 'demo box should list the admin account');

  // Wrong password shows the server's problem title.
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill('definitely-wrong');
  await page.getByTestId('login-submit').click();
  const err = page.getByTestId('login-error');
  await err.waitFor({ timeout: 10_000 });
  const errText = await err.innerText();
  assert(errText.includes('用户名或密码错误'), `login error should say 用户名或密码错误, got: ${errText}`);

  await login(page, 'admin');
  await page.waitForURL((u) => u.pathname === '/regions', { timeout: 15_000 });

  // The tree is rooted at the admin's scope (the city) and shows the three districts.
  const tree = page.getByTestId('region-tree');
  await tree.waitFor({ timeout: 15_000 });
  await page.getByTestId(`region-node-${CITY}`).waitFor({ timeout: 15_000 });
  for (const [code, name] of Object.entries(DISTRICTS)) {
    const node = page.getByTestId(`region-node-${code}`);
    await node.waitFor({ timeout: 15_000 });
    const text = (await node.innerText()).trim();
    assert(text === name, `tree node ${code} should read ${name}, got ${text}`);
  }

  // Expanding a district loads its streets on demand (they were not in the page before).
  const districtCode = '150302000000';
  const streetsBefore = await tree.locator(`[data-testid^="region-node-${districtCode.slice(0, 6)}"]`).count();
  assert(streetsBefore === 1, `only the district itself should be rendered before expanding, found ${streetsBefore}`);
  const streets = await expandTreeNode(page, districtCode);
  assert(streets.length > 0, 'the district should have streets');
  for (const s of streets) {
    assert(s.level === 'street', `child ${s.code} of a district should be a street, got ${s.level}`);
    await page.getByTestId(`region-node-${s.code}`).waitFor({ timeout: 10_000 });
  }

  // Expand a street, pick its community with the most grids and select it.
  const street = streets[0];
  const communities = await expandTreeNode(page, street.code);
  assert(communities.length > 0, `street ${street.name} should have communities`);
  const community = [...communities].sort((a, b) => b.childCount - a.childCount)[0];
  assert(community.childCount >= 10, `expected a community with ≥ 10 grids, best is ${community.name} with ${community.childCount}`);
  await page.getByTestId(`region-node-${community.code}`).click();
  await page.waitForURL((u) => u.searchParams.get('code') === community.code, { timeout: 10_000 });
  await waitFor(async () => (await page.getByTestId('region-detail-name').innerText()) === community.name, {
    message: `details of ${community.name}`,
  });
  assert(await treeNode(page, community.code).evaluate((el) => el.classList.contains('ant-tree-treenode-selected')), 'the community should be selected in the tree');
  await page.screenshot({ path: path.join(artifacts, 'console-regions.png') });

  // "在地图上查看" opens the map of that community.
  const viewOnMap = page.getByTestId('view-on-map');
  assert((await viewOnMap.innerText()).replace(/\s/g, '').includes('在地图上查看'), 'the map button should read 在地图上查看');
  const [geo] = await Promise.all([
    page.waitForResponse((r) => r.url().includes(`/api/regions/${community.code}/grids.geojson`), { timeout: 20_000 }),
    viewOnMap.click(),
  ]);
  assert(geo.status() === 200, `grids.geojson answered HTTP ${geo.status()}`);
  await page.waitForURL((u) => u.pathname === '/map' && u.searchParams.get('code') === community.code, { timeout: 10_000 });
  await page.getByTestId('grid-map').waitFor({ timeout: 15_000 });

  const drawn = await waitFor(
    async () => {
      const n = Number((await page.getByTestId('grid-count').innerText()).trim());
      return n >= 10 ? n : 0;
    },
    { timeout: 20_000, message: 'grid-count ≥ 10' },
  );
  const polygons = page.locator('[data-testid="grid-map"] path.grid-polygon');
  const paths = await polygons.count();
  assert(paths >= 10, `expected ≥ 10 SVG grid polygons on the map, found ${paths}`);
  assert(paths === drawn, `grid-count says ${drawn} but ${paths} SVG grid polygons are drawn`);

  // Clicking a polygon (somewhere not covered by a building marker or label) opens its popup.
  await page.waitForTimeout(500); // let fitBounds settle
  const target = await page.evaluate(() => {
    for (const el of document.querySelectorAll('[data-testid="grid-map"] path.grid-polygon')) {
      const r = el.getBoundingClientRect();
      for (let i = 1; i < 10; i++) {
        for (let j = 1; j < 10; j++) {
          const x = r.left + (r.width * i) / 10;
          const y = r.top + (r.height * j) / 10;
          if (document.elementFromPoint(x, y) === el) return { x, y, code: el.getAttribute('data-code') };
        }
      }
    }
    return null;
  });
  assert(target, 'found no clickable spot on any grid polygon');
  await page.mouse.click(target.x, target.y);
  const popup = page.getByTestId('grid-popup');
  await popup.waitFor({ timeout: 5_000 });
  const popupText = await popup.innerText();
  assert(!target.code || popupText.includes(target.code), `popup should name grid ${target.code}, got: ${popupText}`);
  assert(popupText.includes('在区划页中查看'), 'popup should link to the region page');
  await page.locator('.leaflet-popup-close-button').click();
  await page.locator('.leaflet-popup').waitFor({ state: 'detached', timeout: 5_000 });
  await page.waitForTimeout(300); // fade-out

  await page.screenshot({ path: path.join(artifacts, 'console-map.png') });
  console.log(`  drew ${drawn} grids (${paths} SVG paths) for ${community.name} ${community.code}`);
}
