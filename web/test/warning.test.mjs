// The warning banner in real headless Chromium against the `skyriver serve` of
// scripts/test-web.sh (SKYRIVER_URL, SKYRIVER_TOKEN: a token of a duty account): an episode replayed day by day
// as consultation forecasts (POST /api/warnings/forecast) raises a proposal, the duty officer
// issues it (the banner takes the level's colour with the areas and measures), the forecast turns
// clean and the warning is lifted (the banner goes; the history keeps it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openPage } from './browser.mjs';

const URL = (process.env.SKYRIVER_URL || '').replace(/\/$/, '');
const TOKEN = process.env.SKYRIVER_TOKEN || '';
const ART = process.env.SKYRIVER_ARTIFACTS || path.resolve('test-artifacts');
fs.mkdirSync(ART, { recursive: true });

let browser, page;
const problems = [];

before(async () => {
  assert.ok(URL, 'SKYRIVER_URL must point at a running skyriver serve');
  ({ browser, page } = await openPage(URL + '/', problems));
});
after(async () => { await browser?.close(); });

async function post(p, body) {
  const r = await fetch(URL + p, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
  });
  const j = await r.json();
  assert.equal(r.status, 200, `${p}: ${JSON.stringify(j)}`);
  return j;
}
const api = async (p) => (await fetch(URL + p)).json();
const banner = () => page.evaluate(() => {
  const b = document.getElementById('warning-banner');
  return { hidden: b.hidden, level: b.dataset.level, text: b.textContent, background: getComputedStyle(b).backgroundColor };
});
const waitLevel = (level) => page.waitForFunction((l) => document.getElementById('warning-banner').dataset.level === l, level, { timeout: 15000 });

// The episode: daily AQI of the city from 2020-03-10 (after the bundled data, so no observed
// day interferes). Under national-2024 days 2-3 above 200 are orange; days 4-6 are clean.
const series = [100, 230, 260, 120, 90, 80, 70, 60];
const day = (i) => new Date(Date.UTC(2020, 2, 10 + i)).toISOString().slice(0, 10);
// The forecast issued on the evening of day i: days i+1 .. i+3.
const forecastOf = (i) => ({ area: '140200', days: [1, 2, 3].map((k) => ({ day: day(i + k), aqi: series[i + k], primary: 'pm25' })) });

test('a replayed episode raises the banner in the level colour and lifting clears it', { skip: !TOKEN && 'no write token' }, async () => {
  assert.equal((await banner()).hidden, true);
  let number = null;
  for (let i = 0; i + 3 < series.length; i++) {
    const { proposals } = await post('/api/warnings/forecast', forecastOf(i));
    for (const p of proposals.filter((x) => x.status === 'open')) {
      if (p.action === 'issue') {
        await waitLevel('proposal');  // the page shows the proposal before anyone acts
        assert.match((await banner()).text, /预警建议/);
        const w = await post('/api/warnings/issue', { level: p.to, start: p.effective, areas: [p.area] });
        number = w.number;
        await waitLevel(p.to);
        const b = await banner();
        assert.equal(p.to, 'orange');
        assert.equal(b.background, 'rgb(240, 127, 0)');  // #f07f00, the orange of the banner
        assert.match(b.text, /橙色预警/);
        assert.match(b.text, /大同市/);
        assert.match(b.text, /左云县|云冈区|新荣区|阳高县/);  // measures by county
        assert.match(b.text, /待市政府确认/);
        await page.screenshot({ path: `${ART}/warning-banner.png` });
      } else if (p.action === 'lift') {
        assert.ok(number, 'a lift is proposed only for a warning in force');
        await page.waitForFunction(() => document.getElementById('warning-banner').textContent.includes('预警建议'), null, { timeout: 15000 });
        await post('/api/warnings/lift', { number, end: p.effective });
        await waitLevel('none');
      }
    }
  }
  assert.ok(number, 'the episode was issued');
  const b = await banner();
  assert.equal(b.hidden, true, 'lifted: no banner');
  const row = await page.textContent(`#warning-history tr[data-number="${number}"]`);
  assert.match(row, /issue/);
  assert.match(row, /lift/);
  const all = await api('/api/warnings');
  assert.equal(all.in_force.length, 0);
  assert.equal(all.history[0].number, number);
  assert.deepEqual(problems, []);
});
