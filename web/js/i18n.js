// Texts of the page in Simplified Chinese (first) and English. t(key) reads the current
// language; apply() rewrites every element carrying data-i18n.
const texts = {
  zh: {
    fcTitle: '空气质量预报（未来 72 小时）', fcBand: '10–90% 区间', fcLead: ['明天', '后天', '第三天'], fcModel: '模型',
    fcFallbackOnly: '暂无模型：气候均值与最新值加权（兜底预报）', fcIssued: '发布', fcWeather: '气象', fcWeatherNone: '未用气象预报',
    fcWeatherForecast: '已用气象预报', fcNone: '暂无预报',
    fcNoStation: '{place}没有空气质量自动监测站，暂无本地预报。', fcNoRecentData: '{place}的空气质量监测站近期没有数据，暂无本地预报。',
    fcUnavailable: '{place}的预报暂时无法获取，请稍后再试。', fcShowCity: '查看{city}预报',
    warnHistory: '重污染天气预警', warnLevel: '级别', warnNumber: '编号', warnAreas: '范围', warnStart: '启动', warnEnd: '解除', warnSteps: '记录',
    warnInForce: '预警生效中', warnInForceShort: '生效中', warnSince: '自', warnNotice: '预警信息发布单', warnProposal: '预警建议',
    warnFrom: '生效', warnAwaiting: '待值班人员确认发布', warnRules: '分级标准', warnNone: '暂无预警记录',
    warnAdviceOnly: '本过程仅发布健康防护提示，不启动减排措施', warnNoMeasures: '减排清单中无适用措施',
    warnBelow: '低于要求比例', warnAbove: '未达到限产要求', warnNoData: '无在线数据',
    title: '大同市生态环境质量一张图', dataTime: '数据时间', nowHint: '（“现在”为库中最新一小时的数据，而非当前时钟）',
    liveWaiting: '实时连接中…', liveOn: '实时', liveOff: '实时连接断开，重连中…', liveNew: '新数据',
    map: '空气站点与水质断面', zoomUrban: '城区', zoomCity: '全市', cityNow: '全市当前空气质量', primary: '首要污染物',
    yearSoFar: '年度进展', goodDays: '优良天数比例', target: '目标', ranking: '区县排名', rankBy: '排序',
    byComposite: '综合指数', byGood: '优良天数比例', area: '区县', composite: '综合指数', goodShort: '优良率', change: '同比',
    calendar: 'AQI 日历', last24h: '最近 24 小时', last30d: '最近 30 天', siteYear: '今年以来',
    footer: '数据：中国环境监测总站实时发布数据（样例）；边界：DataV。AQI 按 HJ 633，统计按 HJ 663。',
    city: '全市', noData: '无数据', hourly: '逐时', daily: '逐日', compositeLine: '综合指数', days: '天',
    waterClass: '水质类别', air: '空气站', water: '水质断面', goodDaysOf: '优良天数', validDays: '有效天数',
    lang: 'English', dayDetail: '逐时 AQI', waterSections: '水质断面（最新类别）', compensation: '跨界断面生态补偿', deducted: '扣缴', rewarded: '奖励', net: '净额', lines: '明细',
    countyView: '区县目标进度', rankYtd: '今年累计', howPattern: '未下达的按 {years} 年逐月规律分解（默认，待确认）', howFlat: '未下达的取年度目标', howFlatNoBase: '未下达的取年度目标（无往年数据可分解）', printBulletin: '月度通报（可打印）', indicator: '指标', thisMonth: '本月', monthTarget: '月控制目标', judge: '评价',
    ytd: '年累计', yearTarget: '年度目标', gap: '差距', rank: '排名', allowance: '剩余额度', met: '达标', notMet: '未达标', noTarget: '未设定',
    belowMinimum: '未达到数据有效性要求（GB 3095 表4），不参与排名', shortMonths: '不足月份', through: '统计截至', monthlyTargets: '月度目标',
    allowance_average_below: '余下各日平均须低于此值，年度目标方可完成', allowance_days_left: '余下时间还可出现的非优良（或重污染）天数',
    allowance_days_above_left: '余下时间还可超过目标的天数',
    compDefaults: '金额为默认值，待市里确定', compUnit: '万元', compExcluded: '条明细因样本不足未核算（原因见明细）', noCoords: '未配置坐标，不在地图上',
    levels: ['优', '良', '轻度污染', '中度污染', '重度污染', '严重污染'],
    advice: ['各类人群可正常活动', '极少数异常敏感人群应减少户外活动',
      '儿童、老年人及心脏病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼',
      '儿童、老年人及心脏病、呼吸系统疾病患者避免长时间、高强度的户外锻炼，一般人群适量减少户外运动',
      '儿童、老年人和心脏病、肺病患者应停留在室内，停止户外运动，一般人群减少户外运动',
      '儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动'],
  },
  en: {
    fcTitle: 'Air-quality forecast (next 72 h)', fcBand: '10–90 % band', fcLead: ['tomorrow', 'day 2', 'day 3'], fcModel: 'model',
    fcFallbackOnly: 'no model yet: climatology blended with the latest value (fallback)', fcIssued: 'issued', fcWeather: 'weather',
    fcWeatherNone: 'no weather forecast used', fcWeatherForecast: 'weather forecast used', fcNone: 'no forecast yet',
    fcNoStation: '{place} has no air-quality monitoring station, so it has no forecast of its own.',
    fcNoRecentData: 'the air-quality stations of {place} have no recent data, so it has no forecast of its own.',
    fcUnavailable: 'the forecast of {place} cannot be fetched just now; please try again later.', fcShowCity: 'Show the forecast of {city}',
    warnHistory: 'Heavy-pollution warnings', warnLevel: 'Level', warnNumber: 'Number', warnAreas: 'Areas', warnStart: 'Start', warnEnd: 'Lifted', warnSteps: 'Steps',
    warnInForce: 'Warning in force', warnInForceShort: 'in force', warnSince: 'since', warnNotice: 'notice', warnProposal: 'Proposed',
    warnFrom: 'from', warnAwaiting: 'awaiting the duty officer', warnRules: 'Rule set', warnNone: 'no warnings yet',
    warnAdviceOnly: 'health advice only, no curtailment for this episode', warnNoMeasures: 'no measure of the curtailment list applies',
    warnBelow: 'below its required share', warnAbove: 'above its required share', warnNoData: 'no online data',
    title: 'Datong Environment — One Map', dataTime: 'Data time', nowHint: '("now" is the latest hour in the store, not the wall clock)',
    liveWaiting: 'connecting…', liveOn: 'live', liveOff: 'live stream lost, reconnecting…', liveNew: 'new data',
    map: 'Air stations and water sections', zoomUrban: 'Urban', zoomCity: 'Whole city', cityNow: 'City air quality now', primary: 'Primary pollutant',
    yearSoFar: 'Year so far', goodDays: 'Good-day ratio', target: 'target', ranking: 'District & county ranking', rankBy: 'Rank by',
    byComposite: 'Composite index', byGood: 'Good-day ratio', area: 'Area', composite: 'Composite', goodShort: 'Good', change: 'YoY',
    calendar: 'AQI calendar', last24h: 'Last 24 hours', last30d: 'Last 30 days', siteYear: 'Year so far',
    footer: 'Data: CNEMC real-time release (sample); boundaries: DataV. AQI per HJ 633, statistics per HJ 663.',
    city: 'Datong city', noData: 'no data', hourly: 'hourly', daily: 'daily', compositeLine: 'Composite index', days: 'days',
    waterClass: 'Water class', air: 'Air station', water: 'Water section', goodDaysOf: 'good days', validDays: 'valid days',
    lang: '中文', dayDetail: 'Hourly AQI', waterSections: 'Water sections (latest class)', compensation: 'Cross-boundary eco-compensation', deducted: 'Deducted', rewarded: 'Rewarded', net: 'Net', lines: 'Lines',
    countyView: 'Targets by area', rankYtd: 'Year so far', howPattern: 'not handed down: the annual target shaped by {years} (default, to be confirmed)', howFlat: 'not handed down: the annual target', howFlatNoBase: 'not handed down: the annual target (no earlier years to shape it)', printBulletin: 'Monthly bulletin (printable)', indicator: 'Indicator', thisMonth: 'Month', monthTarget: 'Month target', judge: 'Result',
    ytd: 'Year to date', yearTarget: 'Year target', gap: 'Gap', rank: 'Rank', allowance: 'Allowance left', met: 'met', notMet: 'not met', noTarget: 'not set',
    belowMinimum: 'below the data minimum (GB 3095 Table 4): not ranked', shortMonths: 'months short:', through: 'through', monthlyTargets: 'monthly targets',
    allowance_average_below: 'the rest of the year must average below this for the annual target', allowance_days_left: 'days that may still be lost (not good / heavy)',
    allowance_days_above_left: 'days that may still exceed the target',
    compDefaults: 'amounts are defaults for the city to set', compUnit: '10k yuan', compExcluded: 'lines excluded for too few samples (reasons in the lines)', noCoords: 'no coordinates configured: not on the map',
    levels: ['Good', 'Moderate', 'Lightly polluted', 'Moderately polluted', 'Heavily polluted', 'Severely polluted'],
    advice: ['Everyone can be active outdoors as usual.', 'A very few unusually sensitive people should reduce outdoor activity.',
      'Children, the elderly and people with heart or respiratory disease should reduce long or intense outdoor exercise.',
      'Children, the elderly and heart/respiratory patients should avoid long or intense outdoor exercise; everyone else should cut back.',
      'Children, the elderly and heart/lung patients should stay indoors and stop outdoor exercise; everyone else should reduce outdoor activity.',
      'Children, the elderly and the sick should stay indoors and avoid exertion; everyone else should avoid outdoor activity.'],
  },
};

export let lang = localStorage.getItem('skyriver.lang') || 'zh';
export function t(key) { return texts[lang][key] ?? texts.zh[key] ?? key; }
export function setLang(l) { lang = l; localStorage.setItem('skyriver.lang', l); apply(); }
export function apply() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  document.getElementById('lang').textContent = t('lang');
}
// Parameter names for charts and tooltips.
export const paramNames = {
  pm25: 'PM2.5', pm10: 'PM10', so2: 'SO₂', no2: 'NO₂', co: 'CO', o3: 'O₃', o3_8h: 'O₃-8h', aqi: 'AQI',
  aqi_published: 'AQI', codmn: 'CODMn', nh3n: 'NH₃-N', tp: 'TP', tn: 'TN', do: 'DO', ph: 'pH', wtemp: 'T',
};
export function unitOf(p) { return p === 'co' ? 'mg/m³' : ['aqi', 'ph', 'aqi_published'].includes(p) ? '' : (['pm25','pm10','so2','no2','o3','o3_8h'].includes(p) ? 'µg/m³' : 'mg/L'); }
