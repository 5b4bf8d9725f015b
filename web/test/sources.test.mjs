// The sources, alarms and ledger parts of the one map (web/js/sources.js) in headless Chromium,
// against the `skyriver serve` of scripts/test-web.sh (bundled Datong configuration: three
// EXAMPLE enterprises, each with one outlet).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openPage } from './browser.mjs';

const URL = process.env.SKYRIVER_URL;
const ART = process.env.SKYRIVER_ARTIFACTS || path.resolve('test-artifacts');
fs.mkdirSync(ART, { recursive: true });
let browser, page;
const problems = [];

before(async () => {
  assert.ok(URL, 'SKYRIVER_URL must point at a running skyriver serve');
  ({ browser, page } = await openPage(URL, problems));
  await page.waitForFunction(() => window.skyriver.sources?.ready, null, { timeout: 30000 });
});
after(async () => { await browser?.close(); });

const api = async (p) => (await fetch(URL.replace(/\/$/, '') + p)).json();

test('the outlets are their own map layer, off the air-station series', async () => {
  const outlets = (await api('/api/sites?kind=outlet')).filter((s) => s.lon !== null).map((s) => s.id).sort();
  assert.equal(outlets.length, 3);
  const series = await page.evaluate(() => window.skyriver.charts.map.getOption().series.map((s) => ({ name: s.name, ids: s.data.map((d) => d.id) })));
  assert.deepEqual(series.find((s) => s.name === 'outlets').ids.sort(), outlets);
  assert.ok(!series.find((s) => s.name === 'air').ids.some((id) => outlets.includes(id)));
});

test('the sources card lists every enterprise with its month; a row opens the source panel', async () => {
  const s = await api('/api/sources');
  const rows = await page.$$eval('#sources-table tbody tr', (trs) => trs.map((tr) => tr.dataset.enterprise));
  assert.deepEqual(rows, s.enterprises.map((e) => e.id));
  await page.click('#sources-table tbody tr[data-enterprise="EX-POWER"]');
  await page.waitForFunction(() => document.getElementById('source-panel').dataset.loaded === 'yes', null, { timeout: 15000 });
  const text = await page.textContent('#source-panel');
  const d = await api('/api/sources/EX-POWER');
  assert.ok(text.includes(d.name) && text.includes(d.outlets[0].id) && text.includes(d.permit), text);
  await page.screenshot({ path: `${ART}/sources.png`, fullPage: true });
  await page.click('#source-panel-close');
});

test('the alarm list and the ledger card follow the API', async () => {
  const a = await api('/api/alarms?limit=200');
  const shown = await page.$$eval('#alarm-list tr[data-alarm]', (trs) => trs.map((tr) => tr.dataset.alarm));
  assert.deepEqual(shown, a.alarms.slice(0, 30).map((x) => x.id));
  const st = await api('/api/tasks/stats');
  assert.equal(await page.$$eval('#task-batches tbody tr', (trs) => trs.length), st.by_batch.length);
  assert.deepEqual(problems, []);
});
