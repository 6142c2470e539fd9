/**
 * The closed loop on a phone (issue Done criterion), with the console counting it.
 *
 * 1. A resident (own phone context, GPS inside grid01's grid) opens /m/, signs in, reports 暴露垃圾
 *    with a photo and the GPS point, submits, and sees the ticket number.
 * 2. grid01 (second phone) finds it in 我的任务, opens it, taps 受理派单 (accept also dispatches, to
 *    the grid by the catalogue), then 办结 with a note and a photo: the grid's own worker handling a
 *    grid matter verifies it in the same step (自办自核), so the status is verified.
 * 3. The resident opens 我的反映 → the ticket, rates 满意: closed; the timeline reads
 *    report → accept → dispatch → handle → verify → rate.
 * 4. The console (desktop, 1366×800) as admin opens 统计考核 (/tickets/metrics): the counts on the
 *    page are the API's, and the API's counts went up by exactly this one ticket; they stay the same
 *    across the background fold of the metric deltas (API re-read, page reloaded).
 */
import path from 'node:path';
import { assert, waitFor } from '../lib/expect.mjs';
import { login as consoleLogin } from '../lib/console.mjs';
import { PHONE, apiSession, makePng, mobileLogin, screenshotAll, tid, uploadPhoto, watchErrors } from '../lib/mobile.mjs';

const CATEGORY_TOP = '03'; // 市容环境
const CATEGORY = '0301'; // 暴露垃圾: a simple matter the catalogue keeps in the grid
const EXPECTED_TIMELINE = ['report', 'accept', 'dispatch', 'handle', 'verify', 'rate'];
/** What one ticket reported, handled in the grid on time and rated 满意 adds to the counters. */
const EXPECTED_DELTA = {
  received: 1,
  accepted: 1,
  responded: 1,
  respondedOnTime: 1,
  closed: 1,
  closedOnTime: 1,
  resolved: 1,
  closedInGrid: 1,
  closedInCommunity: 1,
  rated: 1,
  satisfied: 1,
  basic: 0,
  unsatisfied: 0,
  overdue: 0,
};

/** A fold interval of the server's clock (5 s) and some: the counts are re-read across it. */
const FOLD_WINDOW_MS = 6_500;

const isAction = (id, action) => (r) => r.request().method() === 'POST' && r.url().endsWith(`/api/tickets/${id}/actions/${action}`);

/** Vertex mean of the outer ring (the closing vertex once): inside any convex grid. */
function ringCentre(geometry) {
  const ring = geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0][0];
  const pts = ring.slice(0, -1);
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
}

/** The number a console <Statistic> titled `title` shows inside `scope`. */
async function statistic(scope, title) {
  const stat = scope.locator('.ant-statistic', { has: scope.page().getByText(title, { exact: true }) });
  const n = await stat.count();
  assert(n === 1, `expected one statistic titled ${title}, found ${n}`);
  const text = await stat.locator('.ant-statistic-content').innerText();
  return { text: text.trim(), value: Number(text.replace(/[^\d.-]/g, '')) };
}

export async function run({ page, baseURL, browser, artifacts }) {
  const started = Date.now();
  const phases = [];
  let lap = started;
  const phase = (name) => {
    const now = Date.now();
    phases.push(`${name} ${((now - lap) / 1000).toFixed(1)}s`);
    lap = now;
  };
  const errors = [];
  const opened = [];
  const pages = { console: page };
  const shot = (p, name) => p.screenshot({ path: path.join(artifacts, `closed-loop-phone-${name}.png`) });
  let admin;

  try {
    // ---- the place: a point inside grid01's grid, from the API ------------------------------------
    admin = await apiSession(baseURL, 'admin');
    const worker = await apiSession(baseURL, 'grid01');
    const me = (await worker.get('/api/auth/me')).user;
    await worker.dispose();
    assert(me.role === 'grid_worker' && me.scope?.level === 'grid', `grid01 should be a grid worker scoped to a grid, is ${me.role} @ ${JSON.stringify(me.scope)}`);
    const grid = me.scope;

    const fc = await admin.get(`/api/regions/${grid.code}/grids.geojson`);
    const feature = fc.features.find((f) => (f.properties?.code ?? f.id) === grid.code);
    assert(feature, `grids.geojson of ${grid.code} has no feature for the grid itself (${fc.features.length} features)`);
    const candidates = [ringCentre(feature.geometry)];
    const buildings = await admin.get(`/api/regions/${grid.code}/buildings?limit=5`);
    for (const b of buildings.items) if (b.lng != null && b.lat != null) candidates.push([b.lng, b.lat]);
    let point = null;
    let place = null;
    for (const [lng, lat] of candidates) {
      const loc = await admin.get(`/api/geo/locate?lng=${lng}&lat=${lat}`);
      if (loc.grid?.code === grid.code) {
        point = { longitude: lng, latitude: lat };
        place = loc;
        break;
      }
    }
    assert(point, `none of ${JSON.stringify(candidates)} falls in grid ${grid.code} by /api/geo/locate`);

    const before = await admin.get('/api/tickets/metrics');
    phase('setup');

    // ---- 1. the resident reports, with a photo and the GPS point ----------------------------------
    const rctx = await browser.newContext({ ...PHONE, baseURL, geolocation: { ...point, accuracy: 12 }, permissions: ['geolocation'] });
    opened.push(rctx);
    const r = await rctx.newPage();
    pages.resident = r;
    watchErrors(r, 'resident01', errors);

    const resident = await mobileLogin(r, baseURL, 'resident01');
    assert(resident.role === 'resident', `resident01 should be a resident, is ${resident.role}`);
    await r.waitForURL((u) => u.pathname === '/m/report', { timeout: 15_000 });

    // GPS starts by itself; the field then names the grid the point fell in.
    const locField = r.locator(tid('location-field'));
    await r.locator(`${tid('location-field')}[data-state="set"]`).waitFor({ timeout: 20_000 });
    assert((await locField.getAttribute('data-source')) === 'gps', `the location should come from GPS, is ${await locField.getAttribute('data-source')}`);
    await waitFor(async () => (await locField.innerText()).includes(grid.name), { message: `the location field to name ${grid.name}` });

    // Category in two taps: the sheet, the top class, the item.
    await r.locator(tid('category-picker')).tap();
    await r.locator(tid(`category-top-${CATEGORY_TOP}`)).tap();
    await r.locator(tid(`category-option-${CATEGORY}`)).tap();
    await r.locator(tid('category-sheet')).waitFor({ state: 'hidden', timeout: 10_000 });
    assert((await r.locator(tid('category-picker')).getAttribute('data-value')) === CATEGORY, `category ${CATEGORY} should be picked`);

    const stamp = `e2e-${Date.now().toString(36)}`;
    const description = `小区东门垃圾桶满了，垃圾堆在路边两天没人清理（${stamp}）`;
    await r.locator(tid('report-description')).fill(description);
    const reportPhoto = await uploadPhoto(r, 'photo-input', { name: 'rubbish.png', mimeType: 'image/png', buffer: makePng(64, 48, 1) });
    await shot(r, 'report-form');

    const createdP = r.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/api/tickets'), { timeout: 30_000 });
    await r.locator(tid('report-submit')).tap();
    // A similar report nearby (e.g. from another test) brings up the duplicates sheet first: go on.
    const first = await Promise.race([
      createdP.then(() => 'created'),
      r.locator(tid('duplicates-list')).waitFor({ timeout: 30_000 }).then(() => 'duplicates'),
    ]);
    if (first === 'duplicates') await r.locator(tid('duplicates-continue')).tap();
    const created = await createdP;
    assert(created.status() === 201, `POST /api/tickets answered HTTP ${created.status()}: ${await created.text()}`);
    const sent = created.request().postDataJSON();
    assert(sent.categoryCode === CATEGORY, `the report should send category ${CATEGORY}, sent ${sent.categoryCode}`);
    assert(Math.abs(sent.lng - point.longitude) < 1e-6 && Math.abs(sent.lat - point.latitude) < 1e-6, `the report should send the GPS point ${JSON.stringify(point)}, sent ${sent.lng},${sent.lat}`);
    assert(JSON.stringify(sent.photos) === JSON.stringify([reportPhoto]), `the report should send photo ${reportPhoto}, sent ${JSON.stringify(sent.photos)}`);
    const ticket = await created.json();
    assert(ticket.status === 'reported', `a resident's report should be reported, is ${ticket.status}`);
    assert(ticket.regionCode.startsWith(grid.code), `the ticket should fall in grid ${grid.code}, is in ${ticket.regionCode}`);
    assert(ticket.photos.length === 1, `the ticket should keep 1 photo, has ${ticket.photos.length}`);
    assert(/\S/.test(ticket.no), 'the ticket should have a number');

    await r.waitForURL((u) => u.pathname === `/m/tickets/${ticket.id}`, { timeout: 15_000 });
    const done = r.locator(tid('report-done'));
    await done.waitFor({ timeout: 15_000 });
    const doneText = await done.innerText();
    assert(doneText.includes('提交成功') && doneText.includes(ticket.no), `the success banner should read 提交成功 and the number ${ticket.no}, reads: ${doneText}`);
    assert((await r.locator(tid('ticket-no')).innerText()).trim() === ticket.no, 'the ticket page should show the ticket number');
    assert((await r.locator(tid('ticket-page')).getAttribute('data-status')) === 'reported', 'the new ticket should show as reported');
    assert((await r.locator(`${tid('ticket-photos')} .adm-image`).count()) === 1, 'the ticket page should show the photo');
    // No tile server in the tests: the resident's map still shows the grids around the point, named.
    await r.locator(`${tid('ticket-map')} .m-grid-label`, { hasText: grid.name }).first().waitFor({ state: 'attached', timeout: 20_000 });
    await shot(r, 'reported');
    phase('report');

    // ---- 2. grid01: 我的任务 → accept (and dispatch) → handle with note and photo → verified -----------
    const gctx = await browser.newContext({ ...PHONE, baseURL });
    opened.push(gctx);
    const g = await gctx.newPage();
    pages.grid01 = g;
    watchErrors(g, 'grid01', errors);
    await mobileLogin(g, baseURL, 'grid01');
    await g.waitForURL((u) => u.pathname === '/m/tasks', { timeout: 15_000 });

    const toAccept = g.locator(`${tid('count-toAccept')}:not([data-count=""])`);
    await toAccept.waitFor({ timeout: 15_000 });
    assert(Number(await toAccept.getAttribute('data-count')) >= 1, `待受理 should count the new report, shows ${await toAccept.getAttribute('data-count')}`);
    const task = g.locator(`${tid('task-list')} ${tid('task-item')}[data-id="${ticket.id}"]`);
    await task.waitFor({ timeout: 15_000 });
    assert((await task.getAttribute('data-status')) === 'reported', `the task should be listed as reported, is ${await task.getAttribute('data-status')}`);
    const taskText = await task.innerText();
    assert(taskText.includes(stamp) && taskText.includes(ticket.no), `the task item should show the description and ${ticket.no}, shows: ${taskText}`);
    await shot(g, 'tasks');

    await task.tap();
    await g.waitForURL((u) => u.pathname === `/m/tickets/${ticket.id}`, { timeout: 15_000 });
    const gTicket = g.locator(tid('ticket-page'));
    await g.locator(`${tid('ticket-page')}[data-status="reported"]`).waitFor({ timeout: 15_000 });
    assert((await g.locator(`${tid('ticket-photos')} .adm-image`).count()) === 1, 'the worker should see the reporter\'s photo');

    // One tap (and the confirmation): 受理派单.
    const acceptButton = g.locator(tid('action-accept'));
    const acceptLabel = (await acceptButton.innerText()).replace(/\s+/g, '');
    await acceptButton.tap();
    const dialog = g.getByRole('dialog');
    await dialog.waitFor({ timeout: 10_000 });
    const [accepted] = await Promise.all([
      g.waitForResponse(isAction(ticket.id, 'accept'), { timeout: 30_000 }),
      dialog.getByRole('button', { name: acceptLabel, exact: true }).tap(),
    ]);
    assert(accepted.status() === 200, `accept answered HTTP ${accepted.status()}: ${await accepted.text()}`);
    assert(accepted.request().postDataJSON().dispatch === true, 'accept on the phone should ask to dispatch at once');
    const afterAccept = await accepted.json();
    assert(afterAccept.status === 'dispatched', `accept should also dispatch, status is ${afterAccept.status}`);
    assert(afterAccept.assignee?.tier === 'grid' && afterAccept.assignee.regionCode.startsWith(grid.code), `the catalogue should dispatch ${CATEGORY} to the grid, went to ${JSON.stringify(afterAccept.assignee)}`);
    await g.locator(`${tid('ticket-page')}[data-status="dispatched"]`).waitFor({ timeout: 15_000 });
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });

    // 办结 with a note and a photo, straight from dispatched.
    await g.locator(tid('action-handle')).tap();
    const sheet = g.locator(`${tid('action-sheet')}[data-action="handle"]`);
    await sheet.waitFor({ timeout: 10_000 });
    const handleNote = `已联系保洁清运，现场已清理干净（${stamp}）`;
    await g.locator(tid('action-note')).fill(handleNote);
    const handlePhoto = await uploadPhoto(g, 'action-photo-input', { name: 'cleaned.png', mimeType: 'image/png', buffer: makePng(64, 48, 2) });
    assert(handlePhoto !== reportPhoto, 'the two photos should be different uploads');
    await shot(g, 'handle-sheet');
    const [handled] = await Promise.all([g.waitForResponse(isAction(ticket.id, 'handle'), { timeout: 30_000 }), g.locator(tid('action-submit')).tap()]);
    assert(handled.status() === 200, `handle answered HTTP ${handled.status()}: ${await handled.text()}`);
    const handleBody = handled.request().postDataJSON();
    assert(handleBody.note === handleNote && JSON.stringify(handleBody.photos) === JSON.stringify([handlePhoto]), `handle should send the note and the photo, sent ${JSON.stringify(handleBody)}`);
    const afterHandle = await handled.json();
    assert(afterHandle.status === 'verified', `the grid's own worker handling it should verify it too, status is ${afterHandle.status}`);
    assert(afterHandle.handleNote === handleNote && afterHandle.handlePhotos.length === 1, 'the ticket should keep the handling note and photo');
    await g.locator(`${tid('ticket-page')}[data-status="verified"]`).waitFor({ timeout: 15_000 });
    await sheet.waitFor({ state: 'detached', timeout: 10_000 });
    assert((await g.locator(`${tid('ticket-handle-photos')} .adm-image`).count()) === 1, 'the handling photo should be shown');
    assert((await gTicket.innerText()).includes(handleNote), 'the handling note should be shown');
    await shot(g, 'verified');
    phase('handle');

    // ---- 3. the resident: 我的反映 → the ticket → 满意 → closed -----------------------------------------
    // data-testid="ticket-back" sits on the whole NavBar: tap its back arrow.
    await r.locator(`${tid('ticket-back')} .adm-nav-bar-back`).tap();
    await r.waitForURL((u) => u.pathname === '/m/report', { timeout: 15_000 });
    await r.locator(tid('tab-mine')).tap();
    await r.waitForURL((u) => u.pathname === '/m/mine', { timeout: 15_000 });
    const mine = r.locator(`${tid('mine-list')} ${tid('ticket-item')}[data-id="${ticket.id}"]`);
    await mine.waitFor({ timeout: 15_000 });
    assert((await mine.getAttribute('data-status')) === 'verified', `我的反映 should list the ticket as verified, shows ${await mine.getAttribute('data-status')}`);
    // The "please rate" notice.
    const notice = r.locator(tid('notice-item'), { hasText: ticket.no });
    await notice.first().waitFor({ timeout: 15_000 });
    assert((await notice.first().innerText()).includes('请评价'), `the resident should be asked to rate, notice reads: ${await notice.first().innerText()}`);
    await shot(r, 'mine');

    await mine.tap();
    await r.waitForURL((u) => u.pathname === `/m/tickets/${ticket.id}`, { timeout: 15_000 });
    await r.locator(`${tid('ticket-page')}[data-status="verified"]`).waitFor({ timeout: 15_000 });
    await r.locator(tid('action-rate')).tap();
    await r.locator(tid('rate-sheet')).waitFor({ timeout: 10_000 });
    await r.locator(tid('rate-satisfied')).tap();
    await r.locator(tid('rate-note')).fill('处理很及时，谢谢！');
    const [rated] = await Promise.all([r.waitForResponse(isAction(ticket.id, 'rate'), { timeout: 30_000 }), r.locator(tid('rate-submit')).tap()]);
    const ratedAt = Date.now();
    assert(rated.status() === 200, `rate answered HTTP ${rated.status()}: ${await rated.text()}`);
    assert(rated.request().postDataJSON().rating === 'satisfied', 'the rating sent should be satisfied');
    const final = await rated.json();
    assert(final.status === 'closed' && final.rating === 'satisfied', `rated 满意 the ticket should be closed, is ${final.status} / ${final.rating}`);
    const apiTimeline = [...final.events].sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id).map((e) => e.action);
    assert(JSON.stringify(apiTimeline) === JSON.stringify(EXPECTED_TIMELINE), `the API timeline should be ${EXPECTED_TIMELINE.join('→')}, is ${apiTimeline.join('→')}`);

    await r.locator(`${tid('ticket-page')}[data-status="closed"]`).waitFor({ timeout: 15_000 });
    await r.locator(tid('rate-sheet')).waitFor({ state: 'detached', timeout: 10_000 });
    assert((await r.locator(tid('ticket-status')).getAttribute('data-status')) === 'closed', 'the status tag should say closed');
    assert((await r.locator(tid('ticket-status')).innerText()).includes('已结案'), `the status tag should read 已结案, reads ${await r.locator(tid('ticket-status')).innerText()}`);
    assert((await r.locator(tid('ticket-rating')).getAttribute('data-rating')) === 'satisfied', 'the rating should be shown as satisfied');
    assert((await r.locator(tid('action-bar')).count()) === 0, 'a closed ticket should offer the resident no more actions');
    const events = r.locator(`${tid('ticket-timeline')} ${tid('timeline-event')}`);
    await waitFor(async () => (await events.count()) === EXPECTED_TIMELINE.length, { message: `${EXPECTED_TIMELINE.length} timeline events` });
    const shown = (await events.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).reverse(); // newest first on the page
    assert(JSON.stringify(shown) === JSON.stringify(EXPECTED_TIMELINE), `the timeline should read ${EXPECTED_TIMELINE.join('→')}, reads ${shown.join('→')}`);
    await r.locator('.adm-toast-main').waitFor({ state: 'hidden', timeout: 10_000 }); // 感谢您的评价 fades out
    await shot(r, 'closed');
    phase('rate');

    // ---- 4. the console counts it ---------------------------------------------------------------------
    const after = await admin.get('/api/tickets/metrics');
    const delta = Object.fromEntries(Object.keys(EXPECTED_DELTA).map((k) => [k, (after.totals.counts[k] ?? 0) - (before.totals.counts[k] ?? 0)]));
    const wrong = Object.keys(EXPECTED_DELTA).filter((k) => delta[k] !== EXPECTED_DELTA[k]);
    assert(!wrong.length, `the metrics API should count this ticket once: unexpected changes ${wrong.map((k) => `${k} ${before.totals.counts[k]}→${after.totals.counts[k]} (want +${EXPECTED_DELTA[k]})`).join(', ')}`);

    await page.setViewportSize({ width: 1366, height: 800 });
    await page.goto(`${baseURL}/tickets/metrics`);
    await page.waitForURL((u) => u.pathname === '/login', { timeout: 15_000 });
    const pageMetricsP = page.waitForResponse((res) => res.request().method() === 'GET' && new URL(res.url()).pathname === '/api/tickets/metrics', { timeout: 30_000 });
    await consoleLogin(page, 'admin');
    await page.waitForURL((u) => u.pathname === '/tickets/metrics', { timeout: 15_000 });
    const pageMetricsRes = await pageMetricsP;
    assert(pageMetricsRes.status() === 200, `the page's metrics request answered HTTP ${pageMetricsRes.status()}`);
    const pageMetrics = await pageMetricsRes.json();
    for (const k of Object.keys(EXPECTED_DELTA)) {
      assert(pageMetrics.totals.counts[k] === after.totals.counts[k], `the page's metrics should equal the API's: ${k} ${pageMetrics.totals.counts[k]} vs ${after.totals.counts[k]}`);
    }

    const counts = page.getByTestId('metrics-counts');
    await counts.waitFor({ timeout: 20_000 });
    const scopeText = await page.getByTestId('metrics-scope').innerText();
    assert(scopeText.includes(after.region.name), `the metrics should be for ${after.region.name}, scope reads: ${scopeText}`);
    const labelled = { received: '接收量', closed: '办结量', closedInGrid: '网格内办结', rated: '已评价', satisfied: '满意' };
    const seen = {};
    for (const [k, title] of Object.entries(labelled)) {
      const s = await statistic(counts, title);
      seen[k] = s.value;
      assert(s.value === after.totals.counts[k], `${title} on the page shows ${s.text}, the API says ${after.totals.counts[k]}`);
    }
    assert(seen.closed >= 1 && seen.closedInGrid >= 1, `办结量 and 网格内办结 should be ≥ 1, are ${seen.closed} and ${seen.closedInGrid}`);
    assert(seen.closed === before.totals.counts.closed + 1 && seen.closedInGrid === before.totals.counts.closedInGrid + 1, 'the page should count one more closed ticket than before the loop');

    // The 网格内办结占比 card shows its numerator and denominator.
    const kpi = page.getByTestId('metrics-kpis').locator('.ticket-kpi', { has: page.getByText('网格内办结占比', { exact: true }) });
    const kpiSub = (await kpi.locator('.ticket-kpi-sub').innerText()).trim();
    assert(kpiSub === `${after.totals.counts.closedInGrid} / ${after.totals.counts.closed}`, `网格内办结占比 should show ${after.totals.counts.closedInGrid} / ${after.totals.counts.closed}, shows ${kpiSub}`);

    // The ranking by area has the ticket's district.
    const districtRow = page.getByTestId('metrics-ranking').locator('tbody tr.ant-table-row', { hasText: place.district.name });
    await districtRow.first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(artifacts, 'closed-loop-phone-metrics.png'), fullPage: true });

    // The server's clock folds the pending deltas into the counters (every GRIDWORK_TIMER_INTERVAL_MS,
    // 5 s by default). Nothing shows when, so read the API until a full interval and more has passed
    // since the rating: every read, before, during and after the fold, must give the same counts.
    let reads = 0;
    do {
      const later = await admin.get('/api/tickets/metrics');
      reads++;
      const drift = Object.keys(EXPECTED_DELTA).filter((k) => later.totals.counts[k] !== after.totals.counts[k]);
      assert(!drift.length, `the metrics changed with nothing happening (read ${reads}, ${((Date.now() - ratedAt) / 1000).toFixed(1)}s after the rating): ${drift.map((k) => `${k} ${after.totals.counts[k]}→${later.totals.counts[k]}`).join(', ')}`);
      await new Promise((res) => setTimeout(res, 300));
    } while (Date.now() - ratedAt < FOLD_WINDOW_MS);
    // …and the page, reloaded after the fold, still shows them.
    const [reloaded] = await Promise.all([
      page.waitForResponse((res) => res.request().method() === 'GET' && new URL(res.url()).pathname === '/api/tickets/metrics', { timeout: 30_000 }),
      page.reload(),
    ]);
    assert(reloaded.status() === 200, `the metrics request after reload answered HTTP ${reloaded.status()}`);
    await page.getByTestId('metrics-counts').waitFor({ timeout: 20_000 });
    for (const [k, title] of Object.entries(labelled)) {
      const s = await statistic(page.getByTestId('metrics-counts'), title);
      assert(s.value === after.totals.counts[k], `after the fold ${title} on the page shows ${s.text}, should still be ${after.totals.counts[k]}`);
    }
    phase('console');

    const pageErrors = errors.filter((e) => e.includes('pageerror'));
    assert(!pageErrors.length, `uncaught errors in the phone app:\n${pageErrors.join('\n')}`);
    if (errors.length) console.log(`  phone console errors (not fatal):\n    ${errors.join('\n    ')}`);
    console.log(`  ticket ${ticket.no} (#${ticket.id}) in ${grid.name} ${grid.code} at ${point.longitude.toFixed(5)},${point.latitude.toFixed(5)}: ${shown.join('→')}`);
    console.log(`  metrics ${after.region.name}: 办结量 ${before.totals.counts.closed}→${seen.closed}, 网格内办结 ${before.totals.counts.closedInGrid}→${seen.closedInGrid}`);
    console.log(`  metrics re-read ${reads}× across a fold; phases: ${phases.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)}s`);
  } catch (err) {
    const saved = await screenshotAll(artifacts, 'closed-loop-phone-failure', { resident: pages.resident, grid01: pages.grid01 });
    const extra = [
      phases.length ? `phases done: ${phases.join(', ')}` : '',
      saved.length ? `phone screenshots: ${saved.map((f) => path.relative(path.dirname(artifacts), f)).join(', ')}` : '',
      errors.length ? `phone errors:\n    ${errors.slice(-10).join('\n    ')}` : '',
      ...Object.entries(pages)
        .filter(([name, p]) => name !== 'console' && p && !p.isClosed())
        .map(([name, p]) => `${name} url: ${p.url()}`),
    ].filter(Boolean);
    if (err instanceof Error && extra.length) err.stack = `${err.stack ?? err.message}\n${extra.join('\n')}`;
    throw err;
  } finally {
    await admin?.dispose().catch(() => undefined);
    for (const c of opened) await c.close().catch(() => undefined);
  }
}
