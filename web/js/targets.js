// Targets on the page (docs/targets.md): the year-progress card's targets come from the
// configuration (/api/targets) instead of being written into the page; a county view shows an
// area's month and year to date against its targets (/api/progress); the ranking table can show
// the year so far or one month (the bulletin's month). app.js calls these hooks; everything here
// reads the API, nothing is computed on the page.
import { t, lang } from './i18n.js';

const CITY = '140200';
let ctx = null;  // { api, esc, fmt, state }

// ---------- the year-progress card ----------
// The city's annual targets of `year` (good-day ratio and PM2.5), kept in state.targets.
export async function loadYearTargets(year) {
  const r = await ctx.api(`/api/targets?area=${CITY}&year=${year}`).catch(() => null);
  ctx.state.targets = r ? { year, good: r.annual.good_ratio, pm25: r.annual.pm25 } : { year, good: null, pm25: null };
  renderYearTargets();
}
// The numeric target of an indicator of the year card, or null when the configuration has none.
export function yearTarget(code) { return ctx?.state.targets?.[code]?.value ?? null; }
// Whether a figure meets its target (null: no target).
export function meets(code, v) {
  const tg = ctx?.state.targets?.[code];
  if (!tg || tg.value === null || v === null || v === undefined) return null;
  return { '<': v < tg.value, '≤': v <= tg.value, '≥': v >= tg.value, '>': v > tg.value }[tg.op] ?? null;
}
function targetText(tg, unit) {
  if (!tg || tg.value === null) return t('noTarget');
  return `${tg.op} ${tg.value}${unit}${tg.confirmed ? '' : ' *'}`;
}
export function renderYearTargets() {
  const tg = ctx.state.targets ?? {};
  const good = document.getElementById('good-target'), pm = document.getElementById('pm25-target');
  good.textContent = targetText(tg.good, '%');
  good.title = tg.good?.source ?? '';
  pm.textContent = targetText(tg.pm25, '');
  pm.title = tg.pm25?.source ?? '';
  const gm = document.getElementById('good-mark'), pmm = document.getElementById('pm25-mark');
  gm.hidden = yearTarget('good') === null;
  if (!gm.hidden) gm.style.left = `${Math.min(100, yearTarget('good'))}%`;
  pmm.hidden = yearTarget('pm25') === null;
  if (!pmm.hidden) pmm.style.left = `${Math.min(100, yearTarget('pm25') / 50 * 100)}%`;  // the bar spans 0..50 µg/m³
}

// ---------- the ranking's period ----------
// Options: the year so far, then the last twelve months.
// The twelve months ending with the data's latest month, newest first ("2019-07" ...).
function recentMonths() {
  const now = ctx.state.health?.now;
  if (!now) return [];
  let y = Number(now.slice(0, 4)), m = Number(now.slice(5, 7));
  const out = [];
  for (let i = 0; i < 12; i++) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (--m === 0) { m = 12; y -= 1; }
  }
  return out;
}
function fillRankPeriods() {
  const sel = document.getElementById('rank-period'), keep = sel.value, months = recentMonths();
  if (!months.length) return;
  sel.innerHTML = `<option value="ytd">${ctx.esc(t('rankYtd'))}</option>` + months.map((m) => `<option value="${m}">${m}</option>`).join('');
  if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
}
function nextMonth(m) {
  const y = Number(m.slice(0, 4)), mm = Number(m.slice(5, 7));
  return mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`;
}
// [from, to) of the ranking table: the year so far, or the chosen month.
export function rankingRange() {
  const v = document.getElementById('rank-period').value;
  if (!v || v === 'ytd') return ctx.state.yearRange;
  return { from: `${v}-01`, to: `${nextMonth(v)}-01` };
}

// ---------- the county view ----------
const ROWS = ['composite', 'pm25', 'pm10', 'o3_8h', 'good_ratio', 'heavy_days'];
function figure(f, d) {
  if (!f || f.value === null) return '—';
  const text = ctx.fmt(f.value, d);
  if (f.complete) return text;
  // Valid days against the minimum, and the months that fall short (a year-to-date total can
  // exceed the minimum and still miss it: every month must meet its own).
  const months = (f.short_months ?? []).length ? ` · ${t('shortMonths')} ${f.short_months.join(', ')}` : '';
  const title = `${t('belowMinimum')} · ${t('validDays')} ${f.days} / ${f.required}${months}`;
  return `<span class="incomplete" title="${ctx.esc(title)}">${text}</span>`;
}
function tgt(tg, d) {
  if (!tg) return '—';
  if (tg.value === null) return `<span title="${ctx.esc(tg.source)}">${ctx.esc(t('noTarget'))}</span>`;
  return `<span title="${ctx.esc(tg.source)}">${tg.op} ${ctx.fmt(tg.value, d)}${tg.confirmed ? '' : '*'}</span>`;
}
function met(m) { return m === null || m === undefined ? '—' : m ? `<b class="down">${ctx.esc(t('met'))}</b>` : `<b class="up">${ctx.esc(t('notMet'))}</b>`; }
function allowance(a, d) {
  if (!a) return '—';
  const v = a.kind === 'average_below' ? `&lt; ${ctx.fmt(a.value, 1)}` : `${ctx.fmt(a.value, 0)} ${ctx.esc(t('days'))}`;
  return `<span class="${a.reachable ? '' : 'up'}" title="${ctx.esc(t('allowance_' + a.kind))}">${v}</span>`;
}
// How the monthly control targets were set (target_months.h: "pattern 2016-2018", "flat", ...).
function howText(how) {
  const m = /^pattern (.*)$/.exec(how ?? '');
  if (m) return t('howPattern').replace('{years}', m[1]);
  return how === 'flat' ? t('howFlat') : t('howFlatNoBase');
}
// Each change of area or month starts a request; only the latest one may draw (an older answer
// arriving last would otherwise overwrite the view with the previous choice).
let countyRequest = 0;
export async function renderCountyView() {
  const request = ++countyRequest;
  const area = document.getElementById('cp-area').value, month = document.getElementById('cp-month').value;
  const tbody = document.querySelector('#county-progress tbody');
  if (!area || !month) return;
  try {
    const r = await ctx.api(`/api/progress?area=${area}&month=${month}`);
    if (request !== countyRequest) return;
    const a = r.areas[0];
    ctx.state.countyProgress = a;
    tbody.innerHTML = ROWS.map((code) => {
      const p = a.indicators.find((x) => x.indicator === code);
      const d = code === 'composite' ? 2 : code === 'good_ratio' ? 1 : 0;
      const name = lang === 'zh' ? p.name : p.name_en;
      return `<tr data-indicator="${code}"><td>${ctx.esc(name)}</td><td>${figure(p.month, d)}</td><td>${tgt(p.month_target, d)}</td><td>${met(p.month_met)}</td>` +
        `<td>${figure(p.ytd, d)}</td><td>${tgt(p.year_target, d)}</td><td>${p.ytd_gap === null ? '—' : ctx.fmt(p.ytd_gap, d)}</td><td>${met(p.ytd_met)}</td>` +
        `<td>${p.ytd_rank ?? '—'}</td><td>${allowance(p.allowance, d)}</td></tr>`;
    }).join('');
    document.getElementById('cp-note').textContent = `${t('through')} ${r.through} · ${t('monthlyTargets')}: ${howText(a.monthly_targets)}`;
    const link = document.getElementById('cp-report');
    link.href = `/api/report/month?month=${month}&format=html`;
  } catch (e) {
    if (request !== countyRequest) return;
    tbody.innerHTML = `<tr><td colspan="10">${ctx.esc(e.message)}</td></tr>`;
  }
  ctx.state.countyKey = `${area}-${month}`;  // what the county view shows now (tests wait on it)
}
function fillCountyView() {
  const areaSel = document.getElementById('cp-area'), monthSel = document.getElementById('cp-month');
  if (!areaSel.options.length) {
    areaSel.innerHTML = [{ code: CITY, name: t('city') }, ...ctx.state.areas.filter((a) => a.level !== 'city')]
      .map((a) => `<option value="${a.code}">${ctx.esc(a.code === CITY ? t('city') : a.name)}</option>`).join('');
  }
  const opts = recentMonths(), keep = monthSel.value;
  if (opts.length) {
    monthSel.innerHTML = opts.map((m) => `<option>${m}</option>`).join('');
    if (opts.includes(keep)) monthSel.value = keep;
  }
}

// Called once by app.js after the first state is loaded. `onRanking` redraws the ranking table.
export async function initTargets(c, onRanking) {
  ctx = c;
  fillRankPeriods();
  fillCountyView();
  document.getElementById('rank-period').onchange = onRanking;
  document.getElementById('cp-area').onchange = renderCountyView;
  document.getElementById('cp-month').onchange = renderCountyView;
  await renderCountyView();
}
// Called by app.js whenever the state is refreshed (new data may open a new month).
export async function refreshTargets() {
  if (!ctx) return;
  const year = ctx.state.health?.now?.slice(0, 4);
  if (year && ctx.state.targets?.year !== year) await loadYearTargets(year);
  fillRankPeriods();
  fillCountyView();
}
export function setContext(c) { ctx = c; }
