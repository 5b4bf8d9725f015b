// The forecast panel (预报): for the city, a district/county or a station, the next 72 hours as a
// line with its 10-90 % band (PM2.5 by default, or the hourly AQI / another pollutant) and three
// day cards: the daily AQI range in the level colours, the levels it spans (良至轻度污染) and the
// primary pollutant, with the forecast's basis (model version, or the fallback and why).
// Data: /api/forecast and /api/forecast/daily; refreshed on every "forecast" event of the live
// stream. Level colours come from /api/aqi/levels (the page's state.levels), never from here.
import { t, lang, paramNames } from './i18n.js';

const CITY = '140200';
const fc = { place: `area:${CITY}`, series: 'pm25', data: null, daily: null, renders: 0, chart: null, ctx: null };

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const hourLabel = (iso) => iso.slice(5, 16).replace('T', ' ');

function levelColour(level) {
  const l = (fc.ctx?.state.levels ?? []).find((x) => x.level === level);
  return l?.color ?? '#aaaaaa';
}
function textOn(hex) { return ['#ffff00', '#00e400'].includes((hex || '').toLowerCase()) ? '#1d2a35' : '#fff'; }
const primaryText = (p) => (p ? p.split(',').map((x) => paramNames[x] ?? x).join(', ') : '—');

function query(place) {
  const [kind, id] = place.split(':');
  return `${kind}=${encodeURIComponent(id)}`;
}

// One route's answer: {ok, body} (the body's error.code names why a place has no forecast).
async function fetchJson(path) {
  const r = await fetch(path);
  let body = null;
  try { body = await r.json(); } catch { /* not JSON: no code */ }
  return { ok: r.ok, body };
}

// Both answers of a place, or the reason it has none: 'no_station', 'no_recent_data', or
// 'unavailable' (anything else: a server or network failure, never shown raw).
async function load(place) {
  const q = query(place);
  try {
    const [a, b] = await Promise.all([fetchJson(`/api/forecast?${q}&hours=72`), fetchJson(`/api/forecast/daily?${q}`)]);
    if (a.ok && b.ok) return { data: a.body, daily: b.body };
    const code = (a.ok ? b : a).body?.error?.code;
    return { failed: ['no_station', 'no_recent_data'].includes(code) ? code : 'unavailable' };
  } catch {
    return { failed: 'unavailable' };
  }
}

const placeName = (place) => {
  const opt = [...document.getElementById('fc-place').options].find((o) => o.value === place);
  return opt?.textContent ?? place.split(':')[1];
};

// A place without a forecast: nothing of the previous place stays on screen; the reason in the
// page's language, and for an area the city's forecast offered under the city's own name.
function showNoForecast(place, why) {
  fc.data = null;
  fc.daily = null;
  const box = document.getElementById('forecast-card');
  document.getElementById('fc-days').innerHTML = '';
  fc.chart.clear();
  const key = { no_station: 'fcNoStation', no_recent_data: 'fcNoRecentData' }[why] ?? 'fcUnavailable';
  const city = fc.ctx.state.areas.find((a) => a.code === CITY)?.name ?? t('city');
  const cityButton = place !== `area:${CITY}`
    ? ` <button type="button" id="fc-show-city">${esc(t('fcShowCity').replace('{city}', city))}</button>` : '';
  document.getElementById('fc-meta').innerHTML = `<span class="fc-none">${esc(t(key).replace('{place}', placeName(place)))}</span>${cityButton}`;
  document.getElementById('fc-show-city')?.addEventListener('click', () => choose(`area:${CITY}`));
  box.dataset.place = place;
  box.dataset.none = why;
  delete box.dataset.issued;
}

function chartOption() {
  const d = fc.data;
  const x = d.time.map(hourLabel);
  const aqi = fc.series === 'aqi';
  const p = aqi ? null : d.pollutants[fc.series];
  const mid = aqi ? d.aqi.map((v) => v || null) : p.value;
  const low = aqi ? null : p.low, high = aqi ? null : p.high;
  const series = [];
  if (!aqi) {
    // The band: the 10 % line, then the 90-10 % difference stacked on it (filled).
    series.push({ name: 'low', type: 'line', data: low, stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, silent: true });
    series.push({ name: t('fcBand'), type: 'line', data: high.map((h, i) => (h === null || low[i] === null ? null : h - low[i])),
      stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: 'rgba(31,111,209,0.18)' } });
  }
  series.push({ name: aqi ? 'AQI' : (paramNames[fc.series] ?? fc.series), type: 'line', data: mid, symbol: 'none',
    lineStyle: { width: 2, color: '#1f6fd1' } });
  return {
    animation: false,
    grid: { left: 44, right: 12, top: 24, bottom: 28 },
    tooltip: { trigger: 'axis', formatter: (ps) => {
      const i = ps[0].dataIndex;
      const v = mid[i], lo = low?.[i], hi = high?.[i];
      return `${esc(x[i])}<br>${esc(aqi ? 'AQI' : paramNames[fc.series] ?? fc.series)}: <b>${v ?? '—'}</b>${lo != null ? ` (${lo}–${hi})` : ''}`;
    } },
    xAxis: { type: 'category', data: x, axisLabel: { interval: 11 } },
    yAxis: { type: 'value', name: aqi ? '' : (fc.series === 'co' ? 'mg/m³' : 'µg/m³'), min: 0 },
    series,
  };
}

function dayCards() {
  return fc.daily.days.map((d) => {
    const lo = levelColour(d.level_low), hi = levelColour(d.level_high);
    const bg = lo === hi ? lo : `linear-gradient(90deg, ${lo}, ${hi})`;
    const fg = textOn(hi);
    const levels = lang === 'zh' ? d.levels_zh : `${t('levels')[d.level_low - 1] ?? ''}${d.level_high !== d.level_low ? ` – ${t('levels')[d.level_high - 1] ?? ''}` : ''}`;
    return `<div class="fc-day" data-day="${esc(d.day)}" data-level-low="${d.level_low}" data-level-high="${d.level_high}" style="background:${bg};color:${fg}">
      <div class="fc-date">${esc(d.day.slice(5))} · ${esc(t('fcLead')[d.lead_day - 1] ?? '')}</div>
      <div class="fc-range">${d.aqi_low}–${d.aqi_high}</div>
      <div class="fc-levels">${esc(levels)}</div>
      <div class="fc-primary">${esc(t('primary'))}: ${esc(primaryText(d.primary))}</div></div>`;
  }).join('');
}

export function renderForecast() {
  const box = document.getElementById('forecast-card');
  if (!box) return;
  if (!fc.data) {  // e.g. the language changed while a place has no forecast
    if (box.dataset.none) showNoForecast(box.dataset.place, box.dataset.none);
    return;
  }
  const d = fc.data;
  const basis = d.model_version ? `${t('fcModel')} ${d.model_version}` : t('fcFallbackOnly');
  document.getElementById('fc-days').innerHTML = dayCards();
  document.getElementById('fc-meta').innerHTML = `${esc(t('fcIssued'))} ${esc(d.issued.slice(0, 16).replace('T', ' '))} · ${esc(basis)}`
    + ` · ${esc(t('fcWeather'))}: ${esc(d.weather === 'none' ? t('fcWeatherNone') : t('fcWeatherForecast'))}`
    + (d.notes.length ? `<br><span class="fc-notes">${esc(d.notes.slice(0, 3).join('; '))}${d.notes.length > 3 ? ' …' : ''}</span>` : '');
  fc.chart.setOption(chartOption(), true);
  box.dataset.place = fc.place;
  delete box.dataset.none;
  box.dataset.issued = d.issued;
  fc.renders += 1;
  box.dataset.renders = String(fc.renders);
}

async function refresh() {
  const place = fc.place;
  const got = await load(place);
  if (place !== fc.place) return;  // another place was chosen meanwhile: its answer will show
  if (got.failed) return showNoForecast(place, got.failed);
  fc.data = got.data;
  fc.daily = got.daily;
  renderForecast();
}

async function choose(place) {
  fc.place = place;
  document.getElementById('fc-place').value = place;
  await refresh();
}

// ctx: { api, state } of the page (app.js); live: its EventSource.
export async function initForecast(ctx, live) {
  fc.ctx = ctx;
  const box = document.getElementById('forecast-card');
  if (!box) return;
  fc.chart = echarts.init(document.getElementById('fc-chart'), null, { renderer: 'svg' });
  ctx.state.charts.forecast = fc.chart;
  const place = document.getElementById('fc-place');
  const areas = ctx.state.areas.filter((a) => a.level !== 'city');
  const stations = ctx.state.sites.filter((s) => s.kind === 'air');
  place.innerHTML = [`<option value="area:${CITY}">${esc(t('city'))}</option>`,
    ...areas.map((a) => `<option value="area:${esc(a.code)}">${esc(a.name)}</option>`),
    ...stations.map((s) => `<option value="site:${esc(s.id)}">${esc(s.name)}</option>`)].join('');
  place.onchange = () => choose(place.value);
  const series = document.getElementById('fc-series');
  series.innerHTML = ['pm25', 'pm10', 'o3', 'no2', 'so2', 'co', 'aqi'].map((p) => `<option value="${p}">${esc(p === 'aqi' ? 'AQI' : paramNames[p] ?? p)}</option>`).join('');
  series.onchange = () => { fc.series = series.value; renderForecast(); };
  live?.addEventListener('forecast', () => refresh());
  await refresh();
}

window.skyriverForecast = fc;  // for the browser test
