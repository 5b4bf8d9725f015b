// The API's OpenAPI document passes a standard linter (issue 32): Redocly CLI from npm
// (web/package.json devDependency) with its recommended rules and web/redocly.yaml, run on the
// /api/openapi.json served by the `skyriver serve` of scripts/test-web.sh. Any error fails;
// warnings are printed (each one is fixed or explained in web/redocly.yaml).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const URL = process.env.SKYRIVER_URL;
const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function lint(file) {
  const bin = path.join(web, 'node_modules', '.bin', 'redocly');
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  const args = ['lint', '--config', path.join(web, 'redocly.yaml'), '--format', 'json', file];
  return new Promise((resolve) => {
    // Exits non-zero when there are errors: the JSON report on stdout says which.
    execFile(bin, args, { env, timeout: 60000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ err, stdout, stderr }));
  });
}

test('/api/openapi.json passes redocly lint (recommended rules) with no error', async () => {
  assert.ok(URL, 'SKYRIVER_URL must point at a running skyriver serve');
  const res = await fetch(new globalThis.URL('api/openapi.json', URL), { signal: AbortSignal.timeout(10000) });
  assert.equal(res.status, 200);
  const doc = await res.json();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skyriver-openapi-'));
  try {
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const { err, stdout, stderr } = await lint(file);
    let report;
    try { report = JSON.parse(stdout); } catch { assert.fail(`redocly gave no JSON report: ${err?.message}\n${stderr}`); }
    const shown = (severity) => report.problems.filter((p) => p.severity === severity)
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`);
    const warnings = shown('warn');
    if (warnings.length) console.log(`redocly: ${warnings.length} warnings\n  ${warnings.join('\n  ')}`);
    assert.deepEqual(shown('error'), [], 'redocly lint errors');
    assert.equal(report.totals.errors, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
