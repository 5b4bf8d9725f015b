// Heavy-pollution warnings on the page: a banner in the level's colour with the areas, the health
// advice and the measures in force by county (or the open proposal, when the forecast calls for a
// step nobody has taken yet), and a history list. Data: /api/warnings, /api/warnings/proposal;
// refreshed on every "warning" event of the live stream. The rule set is marked "to be confirmed
// by the city" when the API says so (rules_note).
import { t, lang } from './i18n.js';

const state = { warnings: null, proposals: null, renders: 0 };

const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
const time = (iso) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');
const levelText = (w) => (lang === 'zh' ? `${w.level_zh}预警` : `${w.level} warning`);
const areasText = (list) => list.map((a) => a.name).join(lang === 'zh' ? '、' : ', ');
const levelZh = { blue: '蓝色', yellow: '黄色', orange: '橙色', red: '红色', none: '无' };
const colours = { blue: '#1f6fd1', yellow: '#f2c200', orange: '#f07f00', red: '#d81e06' };

async function getJson(path) {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return r.json();
}

function rulesLine(data) {
  return `${t('warnRules')}: ${esc(data.rules)}${data.rules_note ? ` <b class="warn-note">(${esc(data.rules_note)})</b>` : ''}`;
}

function measuresHtml(m) {
  if (m.advice_only) return `<div>${esc(t('warnAdviceOnly'))}</div>`;
  if (!m.counties.length) return `<div>${esc(t('warnNoMeasures'))}</div>`;
  return `<ul class="warn-measures">${m.counties.map((c) => `<li><b>${esc(c.name)}</b>: ${c.enterprises.map((e) => {
    const comp = e.compliance;
    const mark = !comp ? '' : comp.status === 'below' ? ` <span class="ok">✓ ${esc(t('warnBelow'))}</span>`
      : comp.status === 'above' ? ` <span class="bad">✗ ${esc(t('warnAbove'))} (${Math.round(comp.share * 100)}% / ≤${Math.round(comp.required_share * 100)}%)</span>`
      : ` <span class="small">${esc(t('warnNoData'))}</span>`;
    return `${esc(e.example && !e.name.startsWith('EXAMPLE') ? `EXAMPLE ${e.name}` : e.name)} — ${esc(e.measure.text)}${mark}`;
  }).join('; ')}</li>`).join('')}</ul>`;
}

function render() {
  const banner = document.getElementById('warning-banner');
  const list = document.getElementById('warning-history');
  if (!banner || !state.warnings) return;
  const inForce = state.warnings.in_force;
  const open = state.proposals?.proposals ?? [];
  if (inForce.length) {
    const w = inForce.reduce((a, b) => (['blue', 'yellow', 'orange', 'red'].indexOf(b.level) > ['blue', 'yellow', 'orange', 'red'].indexOf(a.level) ? b : a));
    banner.hidden = false;
    banner.dataset.level = w.level;
    banner.dataset.number = w.number;
    banner.style.background = w.colour;
    banner.style.color = w.level === 'yellow' ? '#222' : '#fff';
    banner.innerHTML = `<div class="warn-title">${esc(t('warnInForce'))}: <b>${esc(levelText(w))}</b> · ${esc(areasText(w.areas))}
      · ${esc(t('warnSince'))} ${esc(time(w.start))} · <span class="small-inv">${esc(w.number)}</span>
      <a href="/api/warnings/notice?number=${encodeURIComponent(w.number)}" target="_blank">${esc(t('warnNotice'))}</a>
      <a href="/api/warnings/notice?number=${encodeURIComponent(w.number)}&format=xlsx">XLSX</a></div>
      <div class="warn-advice">${esc(w.measures.advice)}</div>
      ${measuresHtml(w.measures)}
      <div class="warn-rules">${rulesLine(w.rules_note ? w : state.warnings)}</div>
      ${open.length ? `<div class="warn-proposal">${esc(t('warnProposal'))}: ${open.map((p) => `${esc(p.area_name)} ${esc(p.action)} → ${esc(lang === 'zh' ? levelZh[p.to] : p.to)}`).join('; ')}</div>` : ''}`;
  } else if (open.length) {
    const p = open[0];
    banner.hidden = false;
    banner.dataset.level = 'proposal';
    banner.dataset.number = '';
    banner.style.background = '#fff';
    banner.style.color = '#222';
    banner.style.borderColor = colours[p.to] ?? '#999';
    banner.innerHTML = `<div class="warn-title">${esc(t('warnProposal'))}: ${open.map((x) => `<b style="color:${colours[x.to] ?? '#222'}">${esc(x.area_name)} ${esc(x.action)} → ${esc(lang === 'zh' ? levelZh[x.to] + (x.to === 'none' ? '' : '预警') : x.to)}</b> (${esc(t('warnFrom'))} ${esc(time(x.effective))}; ${esc(x.basis)})`).join('; ')}</div>
      <div class="warn-rules">${rulesLine(state.proposals)} · ${esc(t('warnAwaiting'))}</div>`;
  } else {
    banner.hidden = true;
    banner.dataset.level = 'none';
    banner.dataset.number = '';
    banner.innerHTML = '';
  }
  if (list) {
    const all = [...inForce, ...state.warnings.history];
    list.innerHTML = all.length ? all.map((w) => `<tr data-number="${esc(w.number)}"><td><span class="badge" style="background:${w.colour};color:${w.level === 'yellow' ? '#222' : '#fff'}">${esc(levelText(w))}</span></td>
      <td>${esc(w.number)}</td><td>${esc(areasText(w.areas))}</td><td>${esc(time(w.start))}</td>
      <td>${w.in_force ? esc(t('warnInForceShort')) : esc(time(w.end))}</td>
      <td>${w.steps.map((s) => `${esc(s.step)}${s.change ? `(${esc(s.change)})` : ''} ${esc(s.who)} ${esc(time(s.at))}`).join('<br>')}</td></tr>`).join('')
      : `<tr><td colspan="6">${esc(t('warnNone'))}</td></tr>`;
  }
  state.renders += 1;
  document.body.dataset.warningRenders = String(state.renders);
}

export async function refreshWarnings() {
  try {
    [state.warnings, state.proposals] = await Promise.all([getJson('/api/warnings'), getJson('/api/warnings/proposal')]);
  } catch (e) {
    console.warn(`warnings: ${e.message}`);  // a server without warnings keeps the page working
    state.warnings = { in_force: [], history: [] };
    state.proposals = { proposals: [] };
  }
  render();
}

// Called once by app.js with the page's live stream.
export async function initWarnings(source) {
  window.skyriver = Object.assign(window.skyriver ?? {}, { warnings: state });
  if (source) source.addEventListener('warning', () => refreshWarnings());
  await refreshWarnings();
}

// Re-render in the current language.
export function renderWarnings() { render(); }
