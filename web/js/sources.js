// Pollution sources, alarms and the ledger on the one map: the outlets layer (diamonds, red
// while an alarm is active), the sources card (each enterprise's month: 联网率, transmission
// and validity rates, loads against the permit), the alarm list, the ledger's statistics and
// a source panel opened from the map or the table. Kept current by the live stream's "alarm"
// and "task" events. app.js calls outletSeries() when drawing the map and initSources() once.
import { lang } from './i18n.js';

const T = {
  zh: { sources: '污染源（本月）', enterprise: '企业', online: '联网率', transmission: '传输率', validity: '有效率',
    loads: '排放量 / 许可', alarms: '告警', tasks: '台账统计', none: '无', kind: '类型', site: '点位', time: '时间',
    severity: '级别', state: '状态', outlets: '排口', exceedHours: '超标小时', batch: '批次', total: '总数', closed: '已销号',
    closedShare: '销号率', overdue: '逾期', cases: '执法案件', penalty: '罚款（元）', complaints: '信访投诉', concluded: '办结率',
    feedback: '反馈率', permit: '排污许可证', limits: '排放限值', month: '月份', recentAlarms: '近期告警', active: '未关闭',
    kinds: { exceedance: '超标', load: '排放量', offline: '离线', data_quality: '数据异常', water_anomaly: '水质异常', air_dropout: '空气站缺测' },
    states: { open: '待处理', acknowledged: '已确认', closed: '已关闭' }, sev: ['一般', '较重', '严重'] },
  en: { sources: 'Pollution sources (this month)', enterprise: 'Enterprise', online: 'Online', transmission: 'Transmission',
    validity: 'Validity', loads: 'Load / permit', alarms: 'Alarms', tasks: 'Ledger', none: 'none', kind: 'Kind', site: 'Site',
    time: 'Time', severity: 'Severity', state: 'State', outlets: 'Outlets', exceedHours: 'hours over limit', batch: 'Batch',
    total: 'Total', closed: 'Closed', closedShare: 'Closed share', overdue: 'Overdue', cases: 'Enforcement cases',
    penalty: 'Penalties (yuan)', complaints: 'Complaints', concluded: 'Concluded', feedback: 'Feedback', permit: 'Discharge permit',
    limits: 'Limits', month: 'Month', recentAlarms: 'Recent alarms', active: 'active',
    kinds: { exceedance: 'Exceedance', load: 'Load', offline: 'Offline', data_quality: 'Data quality', water_anomaly: 'Water anomaly', air_dropout: 'Air dropout' },
    states: { open: 'open', acknowledged: 'acknowledged', closed: 'closed' }, sev: ['notice', 'serious', 'grave'] },
};
const tt = (k) => T[lang]?.[k] ?? T.zh[k] ?? k;
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const pct = (v) => (v === null || v === undefined) ? '—' : `${(v * 100).toFixed(1)}%`;
const num = (v, d = 1) => (v === null || v === undefined) ? '—' : Number(v).toFixed(d);
const when = (iso) => (iso ?? '').slice(0, 16).replace('T', ' ');
const SEV_COLOR = ['#e6a700', '#e65100', '#b71c1c'];

const src = { sources: null, alarms: [], stats: null, ready: false, events: 0 };
let ctx = null;  // { api, state, redrawMap }

// The outlets layer of the map (one ECharts series).
export function outletSeries(state) {
  const active = new Set(src.alarms.filter((a) => a.state !== 'closed').map((a) => a.site));
  const data = state.sites.filter((s) => s.kind === 'outlet' && s.lon !== null).map((s) => ({
    name: s.name, id: s.id, value: [s.lon, s.lat, active.has(s.id) ? 1 : 0],
    itemStyle: { color: active.has(s.id) ? '#c62828' : '#607d8b' },
  }));
  return [{ name: 'outlets', type: 'scatter', coordinateSystem: 'geo', data, symbol: 'diamond', symbolSize: 14, zlevel: 2,
    itemStyle: { borderColor: '#222', borderWidth: 1 } }];
}

function alarmRow(a) {
  const k = tt('kinds')[a.kind] ?? a.kind;
  return `<tr data-alarm="${esc(a.id)}"><td><span class="badge" style="background:${SEV_COLOR[a.severity - 1]};color:#fff">${esc(tt('sev')[a.severity - 1])}</span></td>` +
    `<td>${esc(k)} ${esc(a.parameter)}</td><td class="small">${esc(a.site)}</td><td class="small">${when(a.first)} – ${when(a.last).slice(11)}</td>` +
    `<td class="small">${esc(tt('states')[a.state] ?? a.state)}${a.task ? ' · ' + esc(a.task) : ''}</td></tr>`;
}

function renderSources() {
  const el = document.getElementById('sources');
  const s = src.sources;
  if (!el) return;
  if (!s) { el.innerHTML = `<h2>${esc(tt('sources'))}</h2><p class="small">${esc(tt('none'))}</p>`; return; }
  const rows = s.enterprises.map((e) => {
    const m = e.month ?? {};
    const loads = (m.loads ?? []).map((l) => `${esc(l.parameter)} ${num(l.year_to_date_t, 2)}/${l.annual_cap_t ?? '—'} t`).join('<br>');
    return `<tr data-enterprise="${esc(e.id)}" class="clickable"><td>${esc(e.name)}<div class="small">${esc(e.county_name)}${e.example ? ' · EXAMPLE' : ''}</div></td>` +
      `<td>${pct(m.online_rate)}</td><td>${pct(m.transmission_rate)}</td><td>${pct(m.validity_rate)}</td><td class="small">${loads || '—'}</td></tr>`;
  }).join('');
  const counties = s.counties.map((c) => `${esc(c.name)} ${esc(tt('online'))} ${pct(c.online_rate)} · ${esc(tt('transmission'))} ${pct(c.transmission_rate)}`).join('<br>');
  el.innerHTML = `<h2>${esc(tt('sources'))} <span class="small">${esc(s.month)}</span></h2>` +
    `<table id="sources-table"><thead><tr><th>${esc(tt('enterprise'))}</th><th>${esc(tt('online'))}</th><th>${esc(tt('transmission'))}</th>` +
    `<th>${esc(tt('validity'))}</th><th>${esc(tt('loads'))}</th></tr></thead><tbody>${rows}</tbody></table><div class="small">${counties}</div>`;
  for (const tr of el.querySelectorAll('tr[data-enterprise]')) tr.onclick = () => openSource(tr.dataset.enterprise);
}

function renderAlarms() {
  const el = document.getElementById('alarms');
  if (!el) return;
  const active = src.alarms.filter((a) => a.state !== 'closed').length;
  el.innerHTML = `<h2>${esc(tt('alarms'))} <span class="small">${active} ${esc(tt('active'))} / ${src.alarms.length}</span></h2>` +
    `<table id="alarm-list"><tbody>${src.alarms.slice(0, 30).map(alarmRow).join('') || `<tr><td>${esc(tt('none'))}</td></tr>`}</tbody></table>`;
}

function renderTasks() {
  const el = document.getElementById('tasks');
  const s = src.stats;
  if (!el || !s) return;
  const batches = s.by_batch.map((b) => `<tr><td>${esc(b.batch || '—')}</td><td>${b.total}</td><td>${b.closed}</td><td>${pct(b.closed_share)}</td><td>${b.overdue}</td></tr>`).join('');
  el.innerHTML = `<h2>${esc(tt('tasks'))}</h2><table id="task-batches"><thead><tr><th>${esc(tt('batch'))}</th><th>${esc(tt('total'))}</th>` +
    `<th>${esc(tt('closed'))}</th><th>${esc(tt('closedShare'))}</th><th>${esc(tt('overdue'))}</th></tr></thead><tbody>${batches}</tbody></table>` +
    `<div class="small">${esc(tt('cases'))}: ${s.cases.total} · ${esc(tt('penalty'))} ${num(s.cases.penalty_yuan, 0)}<br>` +
    `${esc(tt('complaints'))}: ${s.complaints.total} · ${esc(tt('concluded'))} ${pct(s.complaints.concluded_rate)} · ${esc(tt('feedback'))} ${pct(s.complaints.feedback_rate)}</div>`;
}

// The source panel: an enterprise (by id) or the enterprise of an outlet (by site id).
export async function openSource(id) {
  const ent = src.sources?.enterprises.find((e) => e.id === id || e.outlets.some((o) => o.id === id));
  if (!ent) return;
  const panel = document.getElementById('source-panel');
  panel.hidden = false;
  panel.dataset.enterprise = ent.id;
  panel.dataset.loaded = '';
  const d = await ctx.api(`/api/sources/${encodeURIComponent(ent.id)}`);
  const outlets = d.outlets.map((o) => {
    const m = d.month.outlets.find((x) => x.site === o.id) ?? {};
    const limits = o.limits.map((l) => {
      const load = (m.loads ?? []).find((x) => x.parameter === l.parameter) ?? {};
      return `<tr><td>${esc(l.parameter)}</td><td>${l.concentration ?? '—'}${l.ref_o2 !== null ? ` @${l.ref_o2}% O₂` : ''}</td>` +
        `<td>${num(load.month_t, 3)} t</td><td>${num(load.year_to_date_t, 2)} / ${l.annual_t ?? '—'} t</td><td>${load.exceed_hours ?? 0}</td></tr>`;
    }).join('');
    return `<h3>${esc(o.name)} (${esc(o.id)}, ${esc(o.medium)})</h3><div class="small">${esc(tt('transmission'))} ${pct(m.transmission_rate)} · ` +
      `${esc(tt('validity'))} ${pct(m.validity_rate)} · MN ${esc(o.mn)}</div><table><tbody>${limits}</tbody></table>`;
  }).join('');
  panel.innerHTML = `<div class="panel-head"><h2>${esc(d.name)}</h2><button type="button" id="source-panel-close" aria-label="close">×</button></div>` +
    `<div class="small">${esc(d.county_name)} · ${esc(d.industry)} · ${esc(tt('permit'))} ${esc(d.permit)} (${esc(d.permit_from)} – ${esc(d.permit_to)})` +
    `${d.example ? ' · EXAMPLE' : ''} · ${esc(tt('month'))} ${esc(d.month.month)}</div>${outlets}` +
    `<h3>${esc(tt('recentAlarms'))}</h3><table><tbody>${d.alarms.map(alarmRow).join('') || `<tr><td>${esc(tt('none'))}</td></tr>`}</tbody></table>`;
  document.getElementById('source-panel-close').onclick = () => { panel.hidden = true; };
  panel.dataset.loaded = 'yes';
}

export async function refreshSources() {
  const [sources, alarms, stats] = await Promise.all([
    ctx.api('/api/sources').catch(() => null), ctx.api('/api/alarms?limit=200').catch(() => ({ alarms: [] })),
    ctx.api('/api/tasks/stats').catch(() => null)]);
  Object.assign(src, { sources, alarms: alarms.alarms, stats });
  renderSources(); renderAlarms(); renderTasks();
  ctx.redrawMap();
}

export async function initSources(c) {
  ctx = c;
  c.state.sources = src;  // for the browser tests
  await refreshSources();
  const es = new EventSource('/api/stream');
  let timer = null;
  const later = () => { clearTimeout(timer); timer = setTimeout(() => refreshSources().then(() => { src.refreshed = (src.refreshed ?? 0) + 1; }), 300); };
  es.addEventListener('alarm', (ev) => { src.events += 1; src.lastAlarm = JSON.parse(ev.data); later(); });
  es.addEventListener('task', () => { src.events += 1; later(); });
  src.ready = true;
}
