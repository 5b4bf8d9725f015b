// skyriver one map: loads the city's sites and state from the API and draws the map, the
// city's "now", the year's progress, the county ranking and the AQI calendar; a click on a
// station opens its panel. The live stream (/api/stream) refreshes the state within seconds.
// Colours always come from the API (the official AQI / water-class colours), never from here.
import { t, lang, setLang, apply, paramNames, unitOf } from './i18n.js';
import { initWarnings, renderWarnings } from './warning.js';
import { initForecast, renderForecast } from './forecast.js';
import { outletSeries, initSources, openSource, refreshSources } from './sources.js';
import { setContext, meets, initTargets, refreshTargets, rankingRange, renderYearTargets, renderCountyView } from './targets.js';

const CITY = '140200';
const state = { sites: [], areas: [], latest: [], now: null, year: null, levels: [], ready: false, events: 0, lastEvent: null };
const charts = {};
window.skyriver = state;  // for the browser tests and for curious users

async function api(path) {
  const r = await fetch(path);
  const body = await r.json();
  if (!r.ok) throw new Error(`${path}: ${body?.error?.message ?? r.status}`);
  return body;
}
const fmt = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v)) ? '—' : Number(v).toFixed(d);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const dateOf = (iso) => iso.slice(0, 10);
const levelName = (lvl) => lvl ? t('levels')[lvl - 1] : '—';
const areaName = (code) => code === CITY ? t('city') : (state.areas.find((a) => a.code === code)?.name ?? code);
function addDays(date, n) { const d = new Date(date + 'T00:00:00+08:00'); d.setTime(d.getTime() + n * 86400000); return new Date(d.getTime() + 8 * 3600000).toISOString().slice(0, 10); }
function hourAfter(iso) { const d = new Date(iso); return new Date(d.getTime() + 3600000 + 8 * 3600000).toISOString().slice(0, 16); }
function primaryText(p) { return (p && p.length) ? p.map((x) => paramNames[x] ?? x).join(', ') : '—'; }
function textColor(hex) { return ['#ffff00', '#00e400'].includes((hex || '').toLowerCase()) ? '#1d2a35' : '#fff'; }

// ---------- map ----------
function mapOption() {
  const air = [], water = [];
  for (const s of state.sites) {
    if (s.lon === null || (s.kind !== 'air' && s.kind !== 'water')) continue;  // outlets: their own layer (sources.js)
    const l = state.latest.find((x) => x.site === s.id) ?? {};
    const item = { name: s.name, id: s.id, value: [s.lon, s.lat, l.aqi ?? null], itemStyle: { color: l.color ?? '#aaaaaa' }, latest: l };
    (s.kind === 'water' ? water : air).push(item);
  }
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        if (p.seriesType !== 'scatter') return esc(p.name);
        const l = p.data.latest;
        if (p.seriesName === 'water') return `${esc(p.name)}<br>${t('waterClass')}: ${esc(l.water_class ?? '—')}`;
        return `${esc(p.name)} (${esc(p.data.id)})<br>AQI <b>${fmt(l.aqi)}</b> ${esc(levelName(l.level))}` +
          (l.values?.pm25 !== undefined ? `<br>PM2.5 ${fmt(l.values.pm25)} µg/m³` : '');
      },
    },
    geo: { map: 'datong', roam: true, zoom: state.zoom ?? 1, center: state.center, layoutCenter: ['50%', '50%'], layoutSize: '98%', label: { show: true, fontSize: 11, color: '#456' },
      itemStyle: { areaColor: '#f3f6f8', borderColor: '#7c93a6' }, emphasis: { itemStyle: { areaColor: '#dde8f0' }, label: { show: true } } },
    series: [
      { name: 'air', type: 'scatter', coordinateSystem: 'geo', data: air, symbolSize: 16, zlevel: 2,
        itemStyle: { borderColor: '#333', borderWidth: 1 }, label: { show: state.zoom > 4, formatter: (p) => p.name, position: 'right', fontSize: 11 } },
      { name: 'water', type: 'scatter', coordinateSystem: 'geo', data: water, symbol: 'triangle', symbolSize: 16, zlevel: 2,
        itemStyle: { borderColor: '#333', borderWidth: 1 } },
      ...outletSeries(state),
    ],
  };
}
// Redrawn only when what it shows changed: a redraw replaces the points' elements, and a click
// landing during one is lost (the live stream and the sources refresh call this often).
let mapDrawn = '';
function renderMap() {
  const option = mapOption();
  const key = JSON.stringify([lang, option.geo.zoom, option.geo.center, option.series]);
  if (key === mapDrawn) return;
  mapDrawn = key;
  charts.map.setOption(option, { replaceMerge: ['series'] });
}
function zoomTo(urban) {
  const pts = state.sites.filter((s) => s.lon !== null && (s.kind === 'air' || s.kind === 'water'));
  if (urban && pts.length) {
    const lons = pts.map((s) => s.lon), lats = pts.map((s) => s.lat);
    state.center = [(Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2];
    const span = Math.max(Math.max(...lons) - Math.min(...lons), Math.max(...lats) - Math.min(...lats), 0.05);
    state.zoom = Math.min(12, Math.max(1, 1.6 / span));  // the city spans ~2.5°: fit the stations
  } else { state.center = undefined; state.zoom = 1; }
  charts.map.setOption({ geo: { zoom: state.zoom, center: state.center ?? null } });
  renderMap();
}
function renderLegend() {
  document.getElementById('legend').innerHTML = state.levels.map((l) =>
    `<span><i style="background:${l.color}"></i>${esc(levelName(l.level))} ${l.min}–${l.max ?? ''}</span>`).join('') +
    `<span>▲ ${esc(t('water'))}</span>`;
}

// ---------- the city now, the year, the ranking ----------
async function renderNow() {
  const now = state.now;
  const el = document.getElementById('now-aqi');
  if (!now || now.aqi === null || now.aqi === undefined) { el.textContent = '—'; return; }
  el.textContent = now.aqi;
  el.style.background = now.color; el.style.color = textColor(now.color);
  document.getElementById('now-level').textContent = levelName(now.level);
  document.getElementById('now-primary').textContent = primaryText(now.primary);
  document.getElementById('now-time').textContent = now.time.replace('T', ' ').slice(0, 16);
  document.getElementById('now-advice').textContent = now.level ? t('advice')[now.level - 1] : '';
}
function renderYear() {
  const y = state.year;
  if (!y) return;
  document.getElementById('year-label').textContent = `${y.from.slice(0, 10)} – ${y.to_date}`;
  const ratio = y.good_ratio;
  document.getElementById('good-ratio').textContent = ratio === null ? '—' : `${fmt(ratio, 1)}%`;
  document.getElementById('good-bar').style.width = `${Math.min(100, ratio ?? 0)}%`;
  const colour = (ok) => ok === null ? '#4a90c2' : ok ? '#2e9e4f' : '#d35400';  // targets from the configuration (targets.js)
  document.getElementById('good-bar').style.background = colour(meets('good', ratio));
  const pm = y.concentrations?.pm25;
  document.getElementById('pm25-year').textContent = fmt(pm);
  document.getElementById('pm25-bar').style.width = `${Math.min(100, (pm ?? 0) / 50 * 100)}%`;
  document.getElementById('pm25-bar').style.background = colour(meets('pm25', pm));
  document.getElementById('composite-line').textContent =
    `${t('compositeLine')} ${fmt(y.composite, 2)} · ${t('goodDaysOf')} ${y.good_days ?? '—'} / ${t('validDays')} ${y.valid_days ?? '—'}`;
}
let rankingRequest = 0;  // only the latest request draws (see renderCountyView)
async function renderRanking() {
  const request = ++rankingRequest;
  const tbody = document.querySelector('#ranking tbody');
  const range = rankingRange();
  if (!range) return;
  try {
    const by = document.getElementById('rank-by').value;
    const r = await api(`/api/ranking?from=${range.from}&to=${range.to}&by=${by}`);
    if (request !== rankingRequest) return;
    tbody.innerHTML = r.rows.map((row) => {
      const ch = row.composite_change_pct;
      const cls = ch === null || ch === undefined ? '' : ch > 0 ? 'up' : 'down';
      return `<tr><td>${row.rank ?? '—'}</td><td>${esc(row.name)}</td><td>${fmt(row.composite, 2)}</td><td>${fmt(row.pm25)}</td>` +
        `<td>${row.good_ratio === null ? '—' : fmt(row.good_ratio, 1) + '%'}</td><td class="${cls}">${ch === null || ch === undefined ? '—' : (ch > 0 ? '+' : '') + fmt(ch, 1) + '%'}</td></tr>`;
    }).join('');
  } catch (e) { if (request === rankingRequest) tbody.innerHTML = `<tr><td colspan="6">${esc(e.message)}</td></tr>`; }
}

function renderWater() {
  const rows = state.latest.filter((l) => l.kind === 'water');
  document.querySelector('#water tbody').innerHTML = rows.map((l) => {
    const site = state.sites.find((s) => s.id === l.site);
    const cls = l.water_class ? `<span class="badge" style="background:${l.color};color:${textColor(l.color)}">${esc(l.water_class)}</span> ${esc(l.water_status)}` : esc(t('noData'));
    const where = site?.lon === null ? `<span class="small" title="${esc(t('noCoords'))}">○</span>` : '▲';
    return `<tr><td>${where}</td><td>${esc(l.name)}</td><td>${cls}</td><td class="small">${l.time ? esc(l.time.slice(0, 16).replace('T', ' ')) : ''}</td></tr>`;
  }).join('');
}

// ---------- eco-compensation statement (quarterly, per county) ----------
async function renderCompensation() {
  const select = document.getElementById('comp-period');
  if (!select.options.length && state.health?.now) {
    const year = state.health.now.slice(0, 4);
    select.innerHTML = [4, 3, 2, 1].map((q) => `<option>${year}Q${q}</option>`).join('');
  }
  const tbody = document.querySelector('#compensation tbody');
  if (!select.value) { tbody.innerHTML = ''; return; }
  try {
    const s = await api(`/api/water/compensation?period=${select.value}`);
    state.compensation = s;
    const count = (code, kind) => s.lines.filter((l) => l.county === code && (!kind || l.kind === kind)).length;
    tbody.innerHTML = s.counties.map((c) => `<tr data-county="${esc(c.code)}"><td>${esc(c.name)}</td><td>${fmt(c.deducted, 0)}</td>` +
      `<td>${fmt(c.rewarded, 0)}</td><td>${fmt(c.net, 0)}</td><td class="small">${count(c.code)}</td></tr>`).join('');
    const excluded = s.lines.filter((l) => l.kind === 'excluded').length;
    document.getElementById('comp-note').textContent = `${t('compUnit')}` + (s.amounts_are_defaults ? ` · ${t('compDefaults')}` : '') +
      (excluded ? ` · ${excluded} ${t('compExcluded')}` : '');
  } catch (e) { tbody.innerHTML = `<tr><td colspan="5">${esc(e.message)}</td></tr>`; }
}

// ---------- calendar ----------
async function renderCalendar() {
  const area = document.getElementById('cal-area').value, year = document.getElementById('cal-year').value;
  const days = await api(`/api/aqi/daily?area=${area}&from=${year}-01-01&to=${Number(year) + 1}-01-01`);
  state.calendar = days;
  charts.calendar.setOption({
    animation: false,
    tooltip: { formatter: (p) => `${p.data.value[0]}<br>AQI <b>${fmt(p.data.value[1])}</b> ${esc(levelName(p.data.level))}<br>${t('primary')}: ${esc(primaryText(p.data.primary))}` },
    calendar: { range: year, cellSize: ['auto', 16], top: 30, left: 40, right: 10, dayLabel: { nameMap: lang === 'zh' ? 'ZH' : 'EN', firstDay: 1 },
      monthLabel: { nameMap: lang === 'zh' ? 'ZH' : 'EN' }, yearLabel: { show: false }, itemStyle: { borderColor: '#fff', borderWidth: 1, color: '#eee' } },
    series: [{ type: 'scatter', coordinateSystem: 'calendar', symbol: 'rect', symbolSize: (v, p) => state.cellSize ?? [14, 14],
      data: days.filter((d) => d.aqi !== null).map((d) => ({ value: [d.date, d.aqi], level: d.level, primary: d.primary, itemStyle: { color: d.color } })) }],
  }, { notMerge: true });
  // cell size follows the calendar's layout
  const a = charts.calendar.convertToPixel({ calendarIndex: 0 }, `${year}-01-07`), b = charts.calendar.convertToPixel({ calendarIndex: 0 }, `${year}-01-14`);
  if (a && b) { state.cellSize = [Math.max(4, b[0] - a[0] - 1), 15]; charts.calendar.setOption({ series: [{ symbolSize: state.cellSize }] }); }
  state.calendarKey = `${area}-${year}`;  // what the calendar shows now (tests wait on it)
}
async function showDay(date) {
  const area = document.getElementById('cal-area').value;
  const hours = await api(`/api/aqi/hourly?area=${area}&from=${date}&to=${addDays(date, 1)}`);
  state.dayDetail = { date, hours };
  charts.day.setOption({
    animation: false, title: { text: `${areaName(area)} ${date} ${t('dayDetail')}`, textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'axis' }, grid: { left: 40, right: 10, top: 30, bottom: 24 },
    xAxis: { type: 'category', data: hours.map((h) => h.time.slice(11, 16)) }, yAxis: { type: 'value' },
    series: [{ type: 'bar', name: 'AQI', data: hours.map((h) => ({ value: h.aqi, itemStyle: { color: h.color ?? '#ccc' } })) }],
  }, { notMerge: true });
}

// ---------- site panel ----------
async function openSite(id) {
  const site = state.sites.find((s) => s.id === id);
  if (!site) return;
  const panel = document.getElementById('panel');
  panel.hidden = false;
  panel.dataset.site = id;
  panel.dataset.loaded = '';
  charts.h24.resize(); charts.d30.resize();  // they were drawn while the panel was hidden
  document.getElementById('panel-title').textContent = `${site.name} (${id})`;
  const l = state.latest.find((x) => x.site === id) ?? {};
  document.getElementById('panel-latest').textContent = l.time ? `${l.time.replace('T', ' ').slice(0, 16)} · ` +
    Object.entries(l.values ?? {}).map(([k, v]) => `${paramNames[k] ?? k} ${fmt(v, k === 'co' ? 1 : 0)}`).join(' · ') : t('noData');
  const end = l.time ? hourAfter(l.time) : null;
  if (!end) return;
  const params = site.kind === 'water' ? ['codmn', 'nh3n', 'tp', 'do'] : ['pm25', 'pm10', 'so2', 'no2', 'o3', 'co'];
  const from24 = new Date(new Date(end + ':00+08:00').getTime() - 24 * 3600000 + 8 * 3600000).toISOString().slice(0, 16);
  const series24 = await Promise.all(params.map((p) => api(`/api/sites/${id}/series?parameter=${p}&from=${from24}&to=${end}`).catch(() => null)));
  const aqi24 = site.kind === 'air' ? await api(`/api/aqi/hourly?site=${id}&from=${from24}&to=${end}`).catch(() => []) : [];
  const x24 = (series24.find(Boolean)?.points ?? []).map((p) => p.time.slice(11, 16));
  charts.h24.setOption({
    animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0, left: 'center', itemWidth: 14, textStyle: { fontSize: 11 } }, grid: { left: 40, right: 40, top: 44, bottom: 24 },
    xAxis: { type: 'category', data: x24 }, yAxis: [{ type: 'value', name: 'µg/m³' }, { type: 'value', name: 'AQI', position: 'right' }],
    series: [
      ...(site.kind === 'air' ? [{ type: 'bar', name: 'AQI', yAxisIndex: 1, data: aqi24.map((h) => ({ value: h.aqi, itemStyle: { color: h.color ?? '#ccc' } })) }] : []),
      ...params.map((p, i) => ({ type: 'line', name: paramNames[p] ?? p, showSymbol: false, data: (series24[i]?.points ?? []).map((q) => q.value) })),
    ],
  }, { notMerge: true });
  const day = end.slice(0, 10), from30 = addDays(day, -29);
  const daily = site.kind === 'air' ? await api(`/api/aqi/daily?site=${id}&from=${from30}&to=${addDays(day, 1)}`).catch(() => []) : [];
  charts.d30.setOption({
    animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0, left: 'center', itemWidth: 14, textStyle: { fontSize: 11 } }, grid: { left: 40, right: 40, top: 44, bottom: 24 },
    xAxis: { type: 'category', data: daily.map((d) => d.date.slice(5)) }, yAxis: [{ type: 'value', name: 'µg/m³' }, { type: 'value', name: 'AQI', position: 'right' }],
    series: [{ type: 'bar', name: 'AQI', yAxisIndex: 1, data: daily.map((d) => ({ value: d.aqi, itemStyle: { color: d.color ?? '#ccc' } })) },
      ...['pm25', 'pm10', 'so2', 'no2', 'o3_8h', 'co'].map((p) => ({ type: 'line', name: paramNames[p], showSymbol: false, data: daily.map((d) => d.concentrations?.[p] ?? null) }))],
  }, { notMerge: true });
  const ys = site.kind === 'air' ? await api(`/api/summary?site=${id}&from=${day.slice(0, 4)}-01-01&to=${addDays(day, 1)}`).catch(() => null) : null;
  document.getElementById('panel-year').innerHTML = ys ? `${t('goodDays')} <b>${fmt(ys.good_ratio, 1)}%</b> (${ys.good_days}/${ys.valid_days} ${t('days')}) · ` +
    `${t('compositeLine')} <b>${fmt(ys.composite, 2)}</b><br>` +
    Object.entries(ys.concentrations ?? {}).map(([k, v]) => `${paramNames[k] ?? k} ${fmt(v, k === 'co' ? 1 : 0)}`).join(' · ') : '—';
  panel.dataset.loaded = 'yes';
}

// ---------- data and live ----------
async function refreshState() {
  const [health, latest] = await Promise.all([api('/api/health'), api('/api/latest')]);
  state.health = health;
  state.latest = latest;
  renderMap();  // the map needs only the latest values: drawn before the slower city figures
  document.getElementById('data-time').textContent = health.now ? health.now.replace('T', ' ').slice(0, 16) : '—';
  if (health.now) {
    // The city's now: its latest hour with a published AQI (stations may still be reporting the newest hour).
    const day = await api(`/api/aqi/hourly?area=${CITY}&to=${hourAfter(health.now)}`).catch(() => []);
    state.now = [...day].reverse().find((h) => h.aqi !== null) ?? null;
    const year = health.now.slice(0, 4), to = addDays(health.now.slice(0, 10), 1);
    state.yearRange = { from: `${year}-01-01`, to };
    state.year = await api(`/api/summary?area=${CITY}&from=${year}-01-01&to=${to}`).catch(() => null);
    if (state.year) state.year.to_date = health.now.slice(0, 10);
  }
  renderNow(); renderYear(); renderWater();
  // Targets after the live parts: a new year's targets must not hold back the map.
  if (health.now) { await refreshTargets(); renderYear(); }
}
function connectLive() {
  const live = document.getElementById('live'), text = document.getElementById('live-text');
  const es = new EventSource('/api/stream');
  let timer = null;
  es.addEventListener('hello', () => { live.classList.add('on'); text.textContent = t('liveOn'); });
  es.addEventListener('data', (ev) => {
    const batch = JSON.parse(ev.data);
    state.events += 1; state.lastEvent = batch;
    const first = batch.values?.[0];
    if (first) text.textContent = `${t('liveNew')}: ${first.site} ${paramNames[first.parameter] ?? first.parameter} ${first.value} @ ${first.time.slice(0, 16).replace('T', ' ')}`;
    live.classList.add('flash'); setTimeout(() => live.classList.remove('flash'), 800);
    clearTimeout(timer);  // a burst of packets refreshes once
    timer = setTimeout(async () => { await refreshState(); await renderRanking(); state.refreshed = (state.refreshed ?? 0) + 1; }, 300);
  });
  es.onerror = () => { live.classList.remove('on'); text.textContent = t('liveOff'); };
  return es;
}

async function main() {
  apply();
  document.getElementById('live-text').textContent = t('liveWaiting');
  charts.map = echarts.init(document.getElementById('map'), null, { renderer: 'svg' });
  charts.calendar = echarts.init(document.getElementById('calendar'), null, { renderer: 'svg' });
  charts.day = echarts.init(document.getElementById('day-detail'), null, { renderer: 'svg' });
  charts.h24 = echarts.init(document.getElementById('chart-24h'), null, { renderer: 'svg' });
  charts.d30 = echarts.init(document.getElementById('chart-30d'), null, { renderer: 'svg' });
  state.charts = charts;
  setContext({ api, esc, fmt, state });
  const [geo, sites, areas, levels] = await Promise.all([
    fetch('geo/datong_140200_full_datav.geojson').then((r) => r.json()), api('/api/sites'), api('/api/areas'), api('/api/aqi/levels').catch(() => [])]);
  echarts.registerMap('datong', geo);
  Object.assign(state, { sites, areas, levels });
  renderLegend();
  charts.map.on('click', (p) => { if (p.seriesType === 'scatter') (p.seriesName === 'outlets' ? openSource : openSite)(p.data.id); });
  charts.calendar.on('click', (p) => { if (p.data?.value) showDay(p.data.value[0]); });
  document.getElementById('panel-close').onclick = () => { document.getElementById('panel').hidden = true; };
  document.getElementById('zoom-urban').onclick = () => zoomTo(true);
  document.getElementById('zoom-city').onclick = () => zoomTo(false);
  document.getElementById('rank-by').onchange = renderRanking;
  document.getElementById('comp-period').onchange = renderCompensation;
  document.getElementById('lang').onclick = async () => {
    setLang(lang === 'zh' ? 'en' : 'zh');
    const live = document.getElementById('live');
    if (live.classList.contains('on') && !state.lastEvent) document.getElementById('live-text').textContent = t('liveOn');
    renderLegend(); renderMap(); renderNow(); renderYear(); renderWater(); renderWarnings(); renderYearTargets(); renderForecast();
    await renderCountyView();
    await renderCalendar();
    await renderCompensation();
    if (state.dayDetail) await showDay(state.dayDetail.date);
    if (!document.getElementById('panel').hidden) await openSite(document.getElementById('panel').dataset.site);
    await refreshSources();
  };
  await refreshState();
  const calArea = document.getElementById('cal-area');
  calArea.innerHTML = [{ code: CITY }, ...areas.filter((a) => a.level !== 'city')].map((a) => `<option value="${a.code}">${esc(areaName(a.code))}</option>`).join('');
  const lastYear = Number((state.health.now ?? '2019').slice(0, 4));
  document.getElementById('cal-year').innerHTML = [lastYear, lastYear - 1, lastYear - 2].map((y) => `<option>${y}</option>`).join('');
  calArea.onchange = renderCalendar; document.getElementById('cal-year').onchange = renderCalendar;
  await initTargets({ api, esc, fmt, state }, renderRanking);
  await Promise.all([renderRanking(), renderCompensation(), renderCalendar().catch((e) => console.warn(e.message))]);
  if (state.health.now) await showDay(state.health.now.slice(0, 10)).catch(() => {});
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
  const live = connectLive();
  await initWarnings(live);
  await initForecast({ api, state }, live).catch((e) => console.warn(e.message));
  await initSources({ api, state, redrawMap: renderMap }).catch((e) => console.warn(e.message));
  state.ready = true;
  document.body.dataset.ready = 'yes';
}
main().catch((e) => { console.error(e); document.body.dataset.ready = 'error'; });
