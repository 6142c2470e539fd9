/**
 * Issue 3 acceptance: a department's people file goes through the import wizard.
 *
 * Sign in as the demo city admin, open 数据导入, upload a 3-row people CSV placed in a community of
 * the demo city (one row with a wrong citizen-ID check character), accept the suggested column
 * mapping, dry-run, import, and see status done with 2 ok and 1 error; the error table names the
 * row, the column and the rule; the error report downloads as CSV. Then find an imported person
 * in the people list by full ID number (shown masked), open the person, and open the building view
 * of a building in that community.
 */
import path from 'node:path';
import { assert, waitFor } from '../lib/expect.mjs';
import { login } from '../lib/console.mjs';

const DISTRICT = '150302000000'; // 海勃湾区
const STREET = '150302001000';
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** GB 11643: append the ISO 7064 MOD 11-2 check character to 17 digits. */
function citizenId(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return first17 + CHECK[sum % 11];
}

/** A valid number for someone registered in 海勃湾区, born on `birth` (YYYYMMDD). */
function makeId(birth, seq) {
  return citizenId(`${DISTRICT.slice(0, 6)}${birth}${String(seq).padStart(3, '0')}`);
}

/** Same number with a different (wrong) check character. */
function breakCheck(id) {
  const wrong = CHECK.split('').find((c) => c !== id[17]);
  return id.slice(0, 17) + wrong;
}

const masked = (id) => `${id.slice(0, 6)}${'*'.repeat(8)}${id.slice(-4)}`;

export async function run({ page, baseURL, artifacts }) {
  const shot = (name) => page.screenshot({ path: path.join(artifacts, `registry-import-${name}.png`), fullPage: true });

  // ---- sign in straight into the wizard ------------------------------------------------------
  await page.goto(`${baseURL}/imports/new`);
  await page.waitForURL((u) => u.pathname === '/login', { timeout: 15_000 });
  await login(page, 'admin');
  await page.waitForURL((u) => u.pathname === '/imports/new', { timeout: 15_000 });
  await page.getByTestId('import-wizard').waitFor({ timeout: 15_000 });

  // The menu has the 数据治理 and 党建 groups.
  const menuText = await page.locator('.ant-layout-sider').innerText();
  for (const label of ['数据治理', '数据导入', '冲突处理', '党建', '党组织', '单位', '两个覆盖']) {
    assert(menuText.includes(label), `the side menu should show ${label}, got: ${menuText.replace(/\s+/g, ' ')}`);
  }

  // A community of the demo city (乌海市) and one of its buildings, from the API.
  const communities = await (await page.request.get(`${baseURL}/api/regions/${STREET}/children`)).json();
  assert(Array.isArray(communities) && communities.length > 0, `street ${STREET} should have communities`);
  const community = communities[0];
  const bres = await page.request.get(`${baseURL}/api/regions/${community.code}/buildings?limit=1`);
  assert(bres.status() === 200, `buildings of ${community.code} answered HTTP ${bres.status()}`);
  const building = (await bres.json()).items[0];
  assert(building, `community ${community.name} should have buildings`);

  // ---- the file: header + 3 rows, the second with a wrong check character ----------------------
  const seq = 100 + Math.floor(Math.random() * 800);
  const good1 = makeId('19850312', seq);
  const good2 = makeId('19771105', seq + 1);
  const bad = breakCheck(makeId('19900721', seq + 2));
  const rows = [
    ['张导入', good1, '13800138000', community.code],
    ['李导入', bad, '13900139000', community.code],
    ['王导入', good2, '', community.code],
  ];
  const csv = ['姓名,身份证号,联系电话,所属网格', ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';
  const BAD_ROW = 3; // the header is row 1

  await page.getByTestId('import-kind').getByText('人口', { exact: true }).click();
  const source = page.getByTestId('import-source').locator('input').or(page.locator('input[data-testid="import-source"]')).first();
  await source.fill('公安分局户政科（e2e）');
  const [inspect] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/imports/inspect') && r.request().method() === 'POST', { timeout: 20_000 }),
    page.getByTestId('import-file-input').setInputFiles({ name: '人口信息.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') }),
  ]);
  assert(inspect.status() === 200, `inspect answered HTTP ${inspect.status()}: ${await inspect.text()}`);

  // ---- mapping: accept the suggestion ------------------------------------------------------------
  const mapping = page.getByTestId('import-mapping');
  await mapping.waitFor({ timeout: 15_000 });
  for (const [field, header] of [
    ['name', '姓名'],
    ['idNumber', '身份证号'],
    ['phone', '联系电话'],
    ['regionCode', '所属网格'],
  ]) {
    const text = await page.getByTestId(`import-map-${field}`).innerText();
    assert(text.includes(header), `field ${field} should be mapped to ${header} by the suggestion, shows: ${text}`);
  }
  // The preview is masked: no full ID number on the page.
  const sampleText = await page.getByTestId('import-sample').innerText();
  assert(!sampleText.includes(good1), 'the sample rows should show ID numbers masked');
  assert(sampleText.includes(masked(good1)), `the sample should show ${masked(good1)}`);
  await shot('mapping');

  // ---- dry run ---------------------------------------------------------------------------------
  const [dryStart] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/imports') && r.request().method() === 'POST', { timeout: 20_000 }),
    page.getByTestId('import-dryrun-button').click(),
  ]);
  assert(dryStart.status() === 202, `dry run answered HTTP ${dryStart.status()}: ${await dryStart.text()}`);
  const status = page.getByTestId('import-status');
  await waitFor(async () => (await status.getAttribute('data-status')) === 'done', { timeout: 60_000, message: 'the dry run to finish' });
  const dryOk = (await page.getByTestId('import-count-ok').innerText()).replace(/\D+/g, ' ').trim();
  assert(dryOk.endsWith('2'), `the dry run should count 2 ok rows, shows ${dryOk}`);
  await page.getByTestId('import-error-table').waitFor();
  await shot('dry-run');

  // ---- the real run ----------------------------------------------------------------------------
  const [runStart] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/imports') && r.request().method() === 'POST', { timeout: 20_000 }),
    page.getByTestId('import-run-button').click(),
  ]);
  assert(runStart.status() === 202, `import answered HTTP ${runStart.status()}: ${await runStart.text()}`);
  const { id: batchId } = await runStart.json();
  const result = page.getByTestId('import-result');
  await result.waitFor({ timeout: 60_000 }); // the result step, once the run is done or failed
  await waitFor(async () => (await page.getByTestId('import-status').first().getAttribute('data-status')) === 'done', {
    timeout: 60_000,
    message: 'the import to be done',
  });
  const statusText = (await page.getByTestId('import-status').first().innerText()).trim();
  assert(statusText === '完成', `status should read 完成, got ${statusText}`);
  const count = async (k) => Number((await page.getByTestId(`import-count-${k}`).first().innerText()).replace(/[^\d]+/g, ' ').trim().split(' ').pop());
  assert((await count('ok')) === 2, `2 rows should be imported, shows ${await count('ok')}`);
  assert((await count('error')) === 1, `1 row should fail, shows ${await count('error')}`);
  assert((await count('created')) === 2, `2 people should be created, shows ${await count('created')}`);

  // The error table names the row, the column and the rule.
  const errorTable = page.getByTestId('import-error-table');
  await errorTable.locator('[data-testid="import-error-row"]').first().waitFor({ timeout: 10_000 });
  const errRows = errorTable.locator('tbody tr.ant-table-row');
  assert((await errRows.count()) === 1, `one error row expected, found ${await errRows.count()}`);
  const rowNo = (await errorTable.getByTestId('import-error-row').innerText()).trim();
  assert(rowNo === String(BAD_ROW), `the error should name row ${BAD_ROW}, names ${rowNo}`);
  const column = await errorTable.getByTestId('import-error-column').innerText();
  assert(column.includes('身份证号'), `the error should name the column 身份证号, names ${column}`);
  const rule = errorTable.getByTestId('import-error-rule');
  assert((await rule.getAttribute('data-rule')) === 'id_check_char', `the rule should be id_check_char, is ${await rule.getAttribute('data-rule')}`);
  assert((await rule.innerText()).includes('校验码'), `the rule should read 身份证校验码, reads ${await rule.innerText()}`);
  const message = await errorTable.getByTestId('import-error-message').innerText();
  assert(message.includes('校验码'), `the explanation should mention the check character, says ${message}`);
  const errValue = await errorTable.locator('tbody tr.ant-table-row td').last().innerText();
  assert(!errValue.includes(bad), 'the offending ID number should be shown masked');
  await shot('result');

  // The error report link downloads a CSV naming the row, column and rule.
  const link = page.getByTestId('import-error-report-link');
  const href = await link.getAttribute('href');
  assert(href === `/api/imports/${batchId}/errors.csv`, `the report link should be /api/imports/${batchId}/errors.csv, is ${href}`);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), link.click()]);
  const reportPath = path.join(artifacts, 'registry-import-errors.csv');
  await download.saveAs(reportPath);
  const report = await (await import('node:fs/promises')).readFile(reportPath, 'utf8');
  const lines = report.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert(lines[0].includes('行号') && lines[0].includes('列') && lines[0].includes('规则') && lines[0].includes('说明') && lines[0].includes('值'), `report header: ${lines[0]}`);
  assert(lines.length === 2, `the report should hold one error line, has ${lines.length - 1}`);
  assert(lines[1].startsWith(`${BAD_ROW},`) && lines[1].includes('身份证号') && lines[1].includes('id_check_char'), `report line: ${lines[1]}`);

  // ---- the people list: find an imported person by full ID number, shown masked -------------------
  await page.goto(`${baseURL}/people`);
  const searchBox = page.getByTestId('people-search');
  await searchBox.waitFor({ timeout: 15_000 });
  const searchInput = (await searchBox.evaluate((el) => el.tagName)) === 'INPUT' ? searchBox : searchBox.locator('input').first();
  const [found] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/people?') && r.url().includes('idNumber='), { timeout: 15_000 }),
    searchInput.fill(good1).then(() => searchInput.press('Enter')),
  ]);
  assert(found.status() === 200, `people search answered HTTP ${found.status()}`);
  const people = page.getByTestId('people-table');
  const personRow = people.locator('tbody tr.ant-table-row', { hasText: '张导入' });
  await personRow.first().waitFor({ timeout: 10_000 });
  assert((await people.locator('tbody tr.ant-table-row').count()) === 1, 'the ID search should find exactly one person');
  const rowText = await personRow.first().innerText();
  assert(rowText.includes(masked(good1)), `the list should show the ID masked as ${masked(good1)}, shows: ${rowText}`);
  assert(!(await people.innerText()).includes(good1), 'the full ID number must not be shown in the list');
  await shot('people');

  // ---- the person ----------------------------------------------------------------------------------
  await personRow.first().locator('a[data-testid^="person-link-"]').first().click();
  await page.waitForURL((u) => /^\/people\/\d+$/.test(u.pathname), { timeout: 10_000 });
  await waitFor(async () => (await page.locator('.console-content').innerText()).includes('张导入'), { message: 'the person page to show 张导入' });
  const personText = await page.locator('.console-content').innerText();
  assert(!personText.includes(good1), 'the person page must show the ID masked until unmasked');
  await shot('person');

  // ---- the building view of a building in that community -------------------------------------------
  await page.goto(`${baseURL}/buildings/${building.id}`);
  const view = page.getByTestId('building-view');
  try {
    await view.waitFor({ timeout: 15_000 });
  } catch {
    throw new Error(`no building view (data-testid="building-view") at /buildings/${building.id} — the people/housing pages do not provide it yet`);
  }
  await waitFor(async () => (await page.locator('.console-content').innerText()).includes(building.name), { message: `the building view to name ${building.name}` });
  await shot('building');
  console.log(`  imported batch #${batchId}: 2 ok, 1 error (row ${BAD_ROW}); ${community.name} ${community.code}, building ${building.name}`);
}
