// Opens the page in Debian's headless Chromium (playwright-core) for the browser tests and
// collects console errors, page errors and failed requests (except the live stream) in
// `problems`. Not a test file itself.
import { chromium } from 'playwright-core';

export async function openPage(url, problems) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => { if (!r.url().includes('/api/stream')) problems.push(`request failed: ${r.url()}`); });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  return { browser, page };
}
