// The one-map page in real headless Chromium (Debian's chromium driven by playwright-core),
// against a real `skyriver serve` started by scripts/test-web.sh with the bundled Datong 2019
// sample (SKYRIVER_URL, SKYRIVER_HJ212_PORT). Screenshots go to test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { openPage } from './browser.mjs';

const URL = process.env.SKYRIVER_URL;
const HJ212_PORT = Number(process.env.SKYRIVER_HJ212_PORT || 0);
const ART = process.env.SKYRIVER_ARTIFACTS || path.resolve('test-artifacts');
fs.mkdirSync(ART, { recursive: true });

let browser, page;
const problems = [];  // console errors and page errors, all tests long

before(async () => {
  assert.ok(URL, 'SKYRIVER_URL must point at a running skyriver serve');
  ({ browser, page } = await openPage(URL, problems));
});
after(async () => { await browser?.close(); });

const api = async (p) => (await fetch(URL.replace(/\/$/, '') + p)).json();
// ECharts' SVG renderer writes fills as "#rrggbb" or "rgb(r,g,b)": compare as #rrggbb.
function hex(fill) {
  if (!fill) return '';
  const m = fill.match(/rgba?\((\d+),\s*(\d+),\s*(\d+)/);
  if (m) return '#' + m.slice(1, 4).map((x) => Number(x).toString(16).padStart(2, '0')).join('');
  return fill.toLowerCase();
}
// Fills of the SVG shapes under a point of the map (all stacked layers).
async function fillsAt(chart, coord, finder) {
  return page.evaluate(({ chart, coord, finder }) => {
    const c = window.skyriver.charts[chart];
    // elementsFromPoint sees only what is on screen: bring the chart into view first (the page is
    // taller than the window, and an earlier test may have scrolled it).
    c.getDom().scrollIntoView({ block: 'center' });
    const [x, y] = c.convertToPixel(finder, coord);
    const box = c.getDom().getBoundingClientRect();
    return { x: box.left + x, y: box.top + y, fills: document.elementsFromPoint(box.left + x, box.top + y).map((e) => e.getAttribute('fill')).filter(Boolean) };
  }, { chart, coord, finder });
}

test('the page loads with no console errors, in Chinese first', async () => {
  assert.equal(await page.evaluate(() => document.body.dataset.ready), 'yes');
  assert.equal(await page.textContent('h1'), '大同市生态环境质量一张图');
  assert.match(await page.textContent('#data-time'), /^2019-12-31 22:00$/);  // the latest hour in the store
  await page.screenshot({ path: `${ART}/page.png`, fullPage: true });
  assert.deepEqual(problems, []);
});

test('the map shows every configured station in the colour the API gives', async () => {
  await page.click('#zoom-urban');
  await page.waitForTimeout(300);
  const sites = (await api('/api/sites?kind=air')).filter((s) => s.lon !== null);
  const latest = await api('/api/latest?kind=air');
  const onMap = await page.evaluate(() => window.skyriver.charts.map.getOption().series[0].data.map((d) => d.id));
  assert.deepEqual([...onMap].sort(), sites.map((s) => s.id).sort());
  for (const s of sites) {
    const want = latest.find((l) => l.site === s.id).color;
    const { fills } = await fillsAt('map', [s.lon, s.lat], { geoIndex: 0 });
    assert.ok(fills.map(hex).includes(want), `${s.id} ${s.name}: want ${want}, under the point: ${fills}`);
  }
  await page.screenshot({ path: `${ART}/map-urban.png` });
});

test('clicking a station opens its panel with the last 24 hours and 30 days', async () => {
  const s = (await api('/api/sites/1724A'));
  const { x, y } = await fillsAt('map', [s.lon, s.lat], { geoIndex: 0 });
  // As a user would: click again if the first click did not open the panel (a click that lands
  // while the map redraws for new data is lost).
  for (let attempt = 1; ; ++attempt) {
    await page.mouse.click(x, y);
    try {
      await page.waitForFunction(() => document.getElementById('panel').dataset.loaded === 'yes', null, { timeout: 10000 });
      break;
    } catch (e) { if (attempt === 3) throw e; }
  }
  assert.match(await page.textContent('#panel-title'), /大同大学 \(1724A\)/);
  const bars = await page.evaluate(() => {
    const o = window.skyriver.charts.h24.getOption();
    return { hours: o.xAxis[0].data.length, aqi: o.series[0].data.filter((d) => d.value !== null).length,
      days: window.skyriver.charts.d30.getOption().xAxis[0].data.length };
  });
  assert.equal(bars.hours, 24);
  assert.ok(bars.aqi >= 20, `hourly AQI bars: ${bars.aqi}`);
  assert.equal(bars.days, 30);
  assert.match(await page.textContent('#panel-year'), /%/);
  await page.screenshot({ path: `${ART}/station-panel.png` });
  await page.click('#panel-close');
});

test('the calendar shows the right colour for a known day and opens its hours', async () => {
  // City (140200), 2019-01-02, worked independently of the code from the sample's hourly
  // values: per hour the mean of the city's assessment stations, then HJ 663 daily means
  // (PM2.5 87.2 µg/m³, all 24 hours) → HJ 633-2012 IAQI 100 + 50/40 × (87.2 - 75) = 115.2 → 116,
  // 轻度污染, official orange (255,126,0) = #ff7e00.
  await page.selectOption('#cal-area', '140221');  // another area first, then back to the city
  await page.waitForFunction(() => window.skyriver.calendarKey === '140221-2019');
  await page.selectOption('#cal-area', '140200');
  await page.waitForFunction(() => window.skyriver.calendarKey === '140200-2019');
  await page.waitForTimeout(200);
  const { x, y, fills } = await fillsAt('calendar', '2019-01-02', { calendarIndex: 0 });
  assert.ok(fills.map(hex).includes('#ff7e00'), `2019-01-02: ${fills}`);
  await page.mouse.click(x, y);
  await page.waitForFunction(() => window.skyriver.dayDetail?.date === '2019-01-02', null, { timeout: 5000 });
  const hours = await page.evaluate(() => window.skyriver.charts.day.getOption().series[0].data.length);
  assert.equal(hours, 24);
  await page.screenshot({ path: `${ART}/calendar.png`, fullPage: true });
});

// HJ 212-2017 CRC16 (REFERENCE.md 9.2) and framing.
function crc16(buf) {
  let crc = 0xffff;
  for (const b of buf) {
    crc = (crc >> 8) ^ b;
    for (let i = 0; i < 8; i++) crc = (crc & 1) ? (crc >> 1) ^ 0xa001 : crc >> 1;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
function frame(data) {
  const body = Buffer.from(data, 'utf8');
  return `##${String(body.length).padStart(4, '0')}${data}${crc16(body)}\r\n`;
}

test('a value sent over HJ 212 appears on the page without a reload', async () => {
  // scripts/test-web.sh always starts serve with --hj212-port: no port in its log is a failure.
  assert.ok(HJ212_PORT > 0, 'SKYRIVER_HJ212_PORT is not set: the HJ 212 port was not read from the serve log');
  // 1724A's data logger (MN and password of config/datong/air_stations.toml) sends the hour
  // 2020-01-01 00:00 (2061 hourly data, answer requested: Flag=5).
  const data = 'QN=20200101010000000;ST=22;CN=2061;PW=123456;MN=010000A89000172400000004;Flag=5;CP=&&DataTime=20200101000000;' +
    'a34004-Avg=177,a34004-Flag=N;a34002-Avg=190,a34002-Flag=N;a21026-Avg=20,a21026-Flag=N;' +
    'a21004-Avg=50,a21004-Flag=N;a21005-Avg=1.5,a21005-Flag=N;a05024-Avg=30,a05024-Flag=N&&';
  const answer = await new Promise((resolve, reject) => {
    const sock = net.connect(HJ212_PORT, '127.0.0.1', () => sock.write(frame(data)));
    let got = '';
    sock.on('data', (d) => { got += d; if (got.includes('\r\n')) { sock.end(); resolve(got); } });
    sock.on('error', reject);
    setTimeout(() => { sock.destroy(); reject(new Error(`no answer: ${got}`)); }, 10000);
  });
  assert.match(answer, /CN=9014/);
  await page.waitForFunction(() => document.getElementById('data-time').textContent === '2020-01-01 00:00', null, { timeout: 10000 });
  assert.match(await page.textContent('#live-text'), /1724A/);
  // PM2.5 177 µg/m³ on the 24-h nodes: 150..250 → 200..300: 200 + 100/100 × 27 = 227 → 重度污染, #99004c.
  const latest = (await api('/api/latest?kind=air')).find((l) => l.site === '1724A');
  assert.equal(latest.aqi, 227);
  await page.waitForFunction(() => window.skyriver.latest.find((l) => l.site === '1724A').aqi === 227, null, { timeout: 5000 });
  const s = await api('/api/sites/1724A');
  const { fills } = await fillsAt('map', [s.lon, s.lat], { geoIndex: 0 });
  assert.ok(fills.map(hex).includes('#99004c'), `1724A after HJ 212: ${fills}`);
  await page.screenshot({ path: `${ART}/live-hj212.png` });
});

test('the water view shows the eco-compensation statement of every county', async () => {
  await page.waitForFunction(() => document.querySelectorAll('#compensation tbody tr[data-county]').length > 0, null, { timeout: 10000 });
  const period = await page.inputValue('#comp-period');
  const statement = await api(`/api/water/compensation?period=${period}`);
  const shown = await page.$$eval('#compensation tbody tr[data-county]', (rows) => rows.map((r) => r.dataset.county));
  assert.deepEqual(shown, statement.counties.map((c) => c.code));
  // The bundled sample has no water samples: every line is an exclusion, and the note says so.
  assert.ok(statement.lines.every((l) => l.kind === 'excluded'));
  assert.match(await page.textContent('#comp-note'), /样本不足/);
});

test('English toggle', async () => {
  await page.click('#lang');
  assert.equal(await page.textContent('h1'), 'Datong Environment — One Map');
  await page.screenshot({ path: `${ART}/english.png`, fullPage: true });
  await page.click('#lang');
  assert.equal(await page.textContent('h1'), '大同市生态环境质量一张图');
  assert.deepEqual(problems, []);
});
