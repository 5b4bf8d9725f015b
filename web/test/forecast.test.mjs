// The forecast panel in real headless Chromium against the `skyriver serve` of
// scripts/test-web.sh (SKYRIVER_URL; the server issues at start, from saved models or the stated
// fallback): the three day cards show the API's daily AQI range in the colours of their levels
// (as /api/aqi/levels gives them), Chinese first; the 72-hour line and its band come from
// /api/forecast; choosing a station shows that station's forecast; English on request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openPage } from './browser.mjs';

const URL = (process.env.SKYRIVER_URL || '').replace(/\/$/, '');
const ART = process.env.SKYRIVER_ARTIFACTS || path.resolve('test-artifacts');
fs.mkdirSync(ART, { recursive: true });

let browser, page;
const problems = [];

before(async () => {
  assert.ok(URL, 'SKYRIVER_URL must point at a running skyriver serve');
  ({ browser, page } = await openPage(URL + '/', problems));
});
after(async () => { await browser?.close(); });

const api = async (p) => (await fetch(URL + p)).json();
const rgb = (hex) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;

test('the city forecast: three day cards in the level colours and the 72-hour line with its band', async () => {
  await page.waitForFunction(() => Number(document.getElementById('forecast-card').dataset.renders || 0) > 0, null, { timeout: 20000 });
  const daily = await api('/api/forecast/daily?area=140200');
  const levels = await api('/api/aqi/levels');
  assert.equal(daily.days.length, 3);
  const cards = await page.evaluate(() => [...document.querySelectorAll('#fc-days .fc-day')].map((c) => ({
    day: c.dataset.day, text: c.textContent, background: getComputedStyle(c).backgroundImage + ' ' + getComputedStyle(c).backgroundColor,
  })));
  assert.equal(cards.length, 3);
  for (const [i, d] of daily.days.entries()) {
    assert.equal(cards[i].day, d.day);
    assert.ok(cards[i].text.includes(`${d.aqi_low}–${d.aqi_high}`), cards[i].text);
    assert.ok(cards[i].text.includes(d.levels_zh), `${cards[i].text} lacks ${d.levels_zh}`);  // Chinese first
    const colour = levels.find((l) => l.level === d.level_high).color;
    assert.ok(cards[i].background.includes(rgb(colour)), `${cards[i].background} lacks ${colour}`);
  }
  // The line: 72 points equal to the API's PM2.5 values; the band is drawn (a filled area).
  const f = await api('/api/forecast?area=140200&hours=72');
  const chart = await page.evaluate(() => {
    const o = window.skyriver.charts.forecast.getOption();
    return { x: o.xAxis[0].data.length, line: o.series[o.series.length - 1].data, band: o.series.some((s) => s.areaStyle) };
  });
  assert.equal(chart.x, 72);
  assert.deepEqual(chart.line, f.pollutants.pm25.value);
  assert.ok(chart.band);
  await page.screenshot({ path: path.join(ART, 'forecast.png'), fullPage: true });
});

test('a station shows its own forecast; English on request', async () => {
  const sites = (await api('/api/sites')).filter((s) => s.kind === 'air');
  const before = Number(await page.evaluate(() => document.getElementById('forecast-card').dataset.renders));
  await page.selectOption('#fc-place', `site:${sites[0].id}`);
  await page.waitForFunction((n) => Number(document.getElementById('forecast-card').dataset.renders) > n, before, { timeout: 10000 });
  assert.equal(await page.evaluate(() => document.getElementById('forecast-card').dataset.place), `site:${sites[0].id}`);
  const f = await api(`/api/forecast?site=${sites[0].id}&hours=72`);
  const line = await page.evaluate(() => { const o = window.skyriver.charts.forecast.getOption(); return o.series[o.series.length - 1].data; });
  assert.deepEqual(line, f.pollutants.pm25.value);
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('[data-i18n="fcTitle"]').textContent.includes('forecast'));
  await page.click('#lang');  // back to Chinese for the other tests
  assert.deepEqual(problems, []);
});
