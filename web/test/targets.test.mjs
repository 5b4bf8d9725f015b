// Targets on the page and the printable monthly bulletin, in real headless Chromium against the
// `skyriver serve` of scripts/test-web.sh (bundled Datong 2019 sample, config/datong).
// Expected values: the targets from config/datong/targets.toml (2019: good days >= 86 %, the 13th
// plan; PM2.5 < 30, a stand-in to be confirmed) and the July 2019 figures reckoned independently
// from the raw file in tests/report/datong_sample_test.cpp (city composite 3.82, 29 of 31 days good).
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
});
after(async () => { await browser?.close(); });

test('the year-progress card reads its targets from the configuration', async () => {
  assert.equal(await page.evaluate(() => document.body.dataset.ready), 'yes');
  await page.waitForFunction(() => document.getElementById('good-target').textContent !== '—', null, { timeout: 10000 });
  assert.equal(await page.textContent('#good-target'), '≥ 86%');    // targets.toml 2016-2020, confirmed
  assert.equal(await page.textContent('#pm25-target'), '< 30 *');   // stand-in, to be confirmed
  assert.match(await page.getAttribute('#good-target', 'title'), /13th Five-Year plan/);
  assert.equal(await page.evaluate(() => document.getElementById('good-mark').style.left), '86%');
  assert.equal(await page.evaluate(() => document.getElementById('pm25-mark').style.left), '60%');  // 30 of the 0..50 bar
  assert.deepEqual(problems, []);
});

test('the county view shows the month and the year against target', async () => {
  await page.selectOption('#cp-month', '2019-07');
  await page.selectOption('#cp-area', '140213');
  await page.waitForFunction(() => window.skyriver.countyKey === '140213-2019-07', null, { timeout: 20000 });
  const cell = (ind, col) => page.textContent(`#county-progress tr[data-indicator="${ind}"] td:nth-child(${col})`);
  assert.equal(await cell('composite', 2), '3.82');
  assert.equal(await cell('good_ratio', 2), '93.5');  // 29 / 31 = 93.55 % shown with one decimal
  assert.equal(await cell('pm25', 6), '< 30*');       // the annual target, to be confirmed
  // Jan-Jul is below the data minimum (June has < 27 valid days): shown shaded, not ranked.
  assert.equal(await page.$eval('#county-progress tr[data-indicator="pm25"] td:nth-child(5) span', (e) => e.className), 'incomplete');
  // Its tooltip: valid days against the minimum (187 = 5 x 27 + 25 + 27), and June, the month
  // that falls short (the notes' months are checked against the raw file in tests/report).
  assert.match(await page.$eval('#county-progress tr[data-indicator="pm25"] td:nth-child(5) span', (e) => e.title), / 206 \/ 187 .* 6$/);
  assert.equal(await cell('composite', 9), '—');
  assert.match(await page.getAttribute('#cp-report', 'href'), /\/api\/report\/month\?month=2019-07&format=html/);
  await page.locator('#county-progress').screenshot({ path: `${ART}/county-view.png` });
  assert.deepEqual(problems, []);
});

test('the ranking table can show the bulletin month', async () => {
  await page.selectOption('#rank-period', '2019-07');
  await page.waitForFunction(() => document.querySelector('#ranking tbody tr td')?.textContent === '1', null, { timeout: 20000 });
  assert.equal(await page.textContent('#ranking tbody tr:first-child td:nth-child(2)'), '平城区');
  assert.equal(await page.textContent('#ranking tbody tr:first-child td:nth-child(3)'), '3.82');
  await page.selectOption('#rank-period', 'ytd');
  // The year so far is below the data minimum: nobody is ranked.
  await page.waitForFunction(() => document.querySelector('#ranking tbody tr td')?.textContent === '—', null, { timeout: 20000 });
  assert.deepEqual(problems, []);
});

test('the monthly bulletin prints on A4 with its tables, chart and notes, without errors', async () => {
  const doc = await browser.newPage({ viewport: { width: 900, height: 1200 } });
  const local = [];
  doc.on('console', (m) => { if (m.type() === 'error') local.push(`console: ${m.text()}`); });
  doc.on('pageerror', (e) => local.push(`pageerror: ${e.message}`));
  const res = await doc.goto(`${URL.replace(/\/$/, '')}/api/report/month?month=2019-07&format=html`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /text\/html/);
  assert.equal(await doc.textContent('h1'), '大同市环境空气质量月度通报');
  assert.ok((await doc.$$('table')).length >= 4);
  // The city's July: 31 days, each a bar in its level colour.
  assert.equal(await doc.$$eval('svg.chart rect', (r) => r.length), 31);
  // Every configured area is a row of the month table.
  assert.equal(await doc.$$eval('section:first-of-type tbody tr', (r) => r.length), 11);
  assert.match(await doc.textContent('ol.notes'), /无空气质量监测数据/);
  await doc.screenshot({ path: `${ART}/bulletin-2019-07.png`, fullPage: true });
  await doc.emulateMedia({ media: 'print' });
  const pdf = await doc.pdf({ path: `${ART}/bulletin-2019-07.pdf`, format: 'A4', printBackground: true });
  assert.ok(pdf.length > 10000);
  // Laid out for A4: nothing wider than the printable width (210 mm - 2 x 15 mm = 180 mm = 680 px at 96 dpi).
  await doc.setViewportSize({ width: 680, height: 1000 });
  const overflow = await doc.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 680, `page width ${overflow}px`);
  await doc.close();
  assert.deepEqual(local, []);
});
