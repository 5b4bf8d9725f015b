// Every county, said plainly (issue 29), in real headless Chromium against the `skyriver serve`
// of scripts/test-web.sh (the bundled Datong sample: only 平城区's stations report). Choosing an
// area without a forecast of its own never leaves the previous place's day cards or 72-hour line
// on screen, says why in Chinese (阳高县 has no air station; 新荣区's station 3566A has no data in
// the sample), shows no raw English error, and offers the city's forecast under the city's name.
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

const panel = () => page.evaluate(() => {
  const o = window.skyriver.charts.forecast.getOption();
  const box = document.getElementById('forecast-card');
  return {
    place: box.dataset.place, none: box.dataset.none, cards: document.querySelectorAll('#fc-days .fc-day').length,
    series: o?.series?.length ?? 0, meta: document.getElementById('fc-meta').textContent,
  };
});
const waitNone = (place) => page.waitForFunction((p) => {
  const b = document.getElementById('forecast-card');
  return b.dataset.place === p && b.dataset.none;
}, place, { timeout: 10000 });

test('an area without a forecast clears the panel, says why in Chinese, and offers the city', async () => {
  // The API says why (the page words it): no station at all, or stations without recent data.
  const noStation = await fetch(`${URL}/api/forecast?area=140221`);
  assert.equal(noStation.status, 404);
  assert.equal((await noStation.json()).error.code, 'no_station');
  const noData = await fetch(`${URL}/api/forecast/daily?area=140212`);
  assert.equal(noData.status, 404);
  assert.equal((await noData.json()).error.code, 'no_recent_data');

  await page.waitForFunction(() => Number(document.getElementById('forecast-card').dataset.renders || 0) > 0, null, { timeout: 20000 });
  assert.equal((await panel()).cards, 3, 'the city forecast is on screen first');

  await page.selectOption('#fc-place', 'area:140212');  // 新荣区
  await waitNone('area:140212');
  let p = await panel();
  assert.equal(p.none, 'no_recent_data');
  assert.equal(p.cards, 0, 'no day cards of the previous place');
  assert.equal(p.series, 0, 'no 72-hour line of the previous place');
  assert.match(p.meta, /新荣区的空气质量监测站近期没有数据/);
  assert.match(p.meta, /查看大同市预报/);
  assert.doesNotMatch(p.meta, /[A-Za-z]{3,}|404/, 'no raw English error');
  await page.screenshot({ path: path.join(ART, 'forecast-county-no-data.png'), fullPage: true });

  await page.selectOption('#fc-place', 'area:140221');  // 阳高县
  await waitNone('area:140221');
  p = await panel();
  assert.equal(p.none, 'no_station');
  assert.equal(p.cards, 0);
  assert.match(p.meta, /阳高县没有空气质量自动监测站，暂无本地预报/);
  assert.doesNotMatch(p.meta, /[A-Za-z]{3,}|404/);

  // The city's forecast, shown under the city's own name.
  const renders = Number(await page.evaluate(() => document.getElementById('forecast-card').dataset.renders));
  await page.click('#fc-show-city');
  await page.waitForFunction((n) => Number(document.getElementById('forecast-card').dataset.renders) > n, renders, { timeout: 10000 });
  p = await panel();
  assert.equal(p.place, 'area:140200');
  assert.equal(p.none, undefined);
  assert.equal(p.cards, 3);
  assert.equal(await page.evaluate(() => document.getElementById('fc-place').selectedOptions[0].value), 'area:140200');
  // Chromium logs each 404 answer as a console error: those are the answers asked for above.
  assert.deepEqual(problems.filter((x) => !/status of 404/.test(x)), []);
});
