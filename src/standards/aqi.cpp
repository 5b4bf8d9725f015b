#include "standards/aqi.h"
#include "standards/level_colour.h"

#include <cstdio>

#include <cmath>
#include <limits>

#include "standards/rounding.h"

namespace skyriver::standards {
namespace {

constexpr std::array<double, 8> kIaqiNodes{0, 50, 100, 150, 200, 300, 400, 500};

constexpr double kInf = std::numeric_limits<double>::infinity();  // pads the short columns

struct Column {
  std::array<double, 8> bp;
  int nodes;  // how many nodes the column has (SO2 1h and O3 8h stop at 800)
  std::array<double, 8> slope{};  // IAQI per unit of concentration on segment (i-1, i]
};

constexpr std::array<Column, 10> with_slopes(std::array<Column, 10> t) {
  for (auto& c : t)
    for (int i = 1; i < c.nodes; ++i)
      c.slope[i] = (kIaqiNodes[i] - kIaqiNodes[i - 1]) / (c.bp[i] - c.bp[i - 1]);
  return t;
}

// HJ 633-2012 Table 1, by Scale. Only PM nodes at IAQI 100 differ in 2026 (Table 3).
constexpr std::array<Column, 10> k2012raw{{
    {{0, 50, 150, 475, 800, 1600, 2100, 2620}, 8},     // so2_24h
    {{0, 150, 500, 650, 800, kInf, kInf, kInf}, 5},    // so2_1h
    {{0, 40, 80, 180, 280, 565, 750, 940}, 8},         // no2_24h
    {{0, 100, 200, 700, 1200, 2340, 3090, 3840}, 8},   // no2_1h
    {{0, 50, 150, 250, 350, 420, 500, 600}, 8},        // pm10_24h
    {{0, 2, 4, 14, 24, 36, 48, 60}, 8},                // co_24h
    {{0, 5, 10, 35, 60, 90, 120, 150}, 8},             // co_1h
    {{0, 160, 200, 300, 400, 800, 1000, 1200}, 8},     // o3_1h
    {{0, 100, 160, 215, 265, 800, kInf, kInf}, 6},     // o3_8h
    {{0, 35, 75, 115, 150, 250, 350, 500}, 8},         // pm25_24h
}};
constexpr std::array<Column, 10> k2012 = with_slopes(k2012raw);

constexpr std::array<Column, 10> make2026() {
  auto t = k2012raw;
  t[unsigned(Scale::pm10_24h)].bp[2] = 120;
  t[unsigned(Scale::pm25_24h)].bp[2] = 60;
  return with_slopes(t);
}
constexpr std::array<Column, 10> k2026 = make2026();

// Round up, tolerating the last-bit error of the division so that a node value stays exact.
int ceil_iaqi(double v) { return int(std::ceil(v - 1e-9)); }

double prep(Edition e, Pollutant p, double c) {
  if (!(c >= 0)) return kMissing;  // NaN or negative
  return e == Edition::e2026 ? round_report(p, c) : c;
}

// Collects the IAQIs as plain ints (-1 = not computed) and fills the result once at the end:
// fewer data-dependent branches than working on optionals.
struct Builder {
  std::array<int, kPollutantCount> v{-1, -1, -1, -1, -1, -1, -1};
  std::uint8_t missing = 0;
  void set(Pollutant p, std::optional<int> x) {
    if (x) v[unsigned(p)] = *x;
  }
  void need(Pollutant p, std::uint8_t not_monitored) {
    if (v[unsigned(p)] < 0 && !(not_monitored & bit(p))) missing |= bit(p);
  }
  AqiResult finish(Edition e) {
    AqiResult r;
    r.missing = missing;
    int mx = -1;
    for (int x : v) mx = x > mx ? x : mx;
    for (int i = 0; i < kPollutantCount; ++i)
      if (v[i] >= 0) r.iaqi[i] = std::int16_t(v[i]);
    if (mx < 0) return r;
    if (e == Edition::e2026 && mx < 1) mx = 1;  // 2026 AQI range starts at 1
    r.max_iaqi = std::int16_t(mx);
    if (e == Edition::e2012 || r.missing == 0 || mx > 100) r.aqi = std::int16_t(mx);
    std::uint8_t primary = 0, exceed = 0;
    for (int i = 0; i < kPollutantCount; ++i) {
      primary |= std::uint8_t((v[i] == mx) << i);
      exceed |= std::uint8_t((v[i] > 100) << i);
    }
    if (mx > 50) r.primary = primary;
    if (e == Edition::e2012) r.exceed = exceed;
    return r;
  }
};

}  // namespace

std::optional<int> iaqi(Edition e, Scale s, double c) {
  if (!(c >= 0)) return std::nullopt;
  const Column& col = (e == Edition::e2012 ? k2012 : k2026)[unsigned(s)];
  const int last = col.nodes - 1;
  if (c > col.bp[last]) {
    if (col.nodes < 8) return std::nullopt;
    return 500;
  }
  // Segment index without data-dependent branches (random concentrations mispredict a loop).
  int i = 1;
  for (int k = 1; k < 7; ++k) i += c > col.bp[k];  // padding is +inf: never counted
  // eq.(1) with the segment's slope precomputed (a multiply instead of a divide in the hot path;
  // ceil_iaqi's tolerance absorbs the last-bit difference at the nodes).
  const double v = kIaqiNodes[i - 1] + col.slope[i] * (c - col.bp[i - 1]);
  return ceil_iaqi(v);
}

AqiResult hourly_aqi(Edition e, const HourlyInput& in, std::uint8_t not_monitored) {
  Builder b;
  using P = Pollutant;
  b.set(P::pm25, iaqi(e, Scale::pm25_24h, prep(e, P::pm25, in.pm25)));
  b.set(P::pm10, iaqi(e, Scale::pm10_24h, prep(e, P::pm10, in.pm10)));
  b.set(P::no2, iaqi(e, Scale::no2_1h, prep(e, P::no2, in.no2)));
  b.set(P::co, iaqi(e, Scale::co_1h, prep(e, P::co, in.co)));
  b.set(P::o3, iaqi(e, Scale::o3_1h, prep(e, P::o3, in.o3)));
  const double so2 = prep(e, P::so2, in.so2);
  if (so2 > 800) {
    if (e == Edition::e2026)
      b.set(P::so2, 200);  // 2026 Table 3 note b
    else
      b.set(P::so2, iaqi(e, Scale::so2_24h, in.so2_24h));  // 2012 Table 1 note (2)
  } else {
    b.set(P::so2, iaqi(e, Scale::so2_1h, so2));
  }
  if (e == Edition::e2012) {
    // O3 8h > 800: not computed, the O3 1-h IAQI (already present) stands (note (3)).
    b.set(P::o3_8h, iaqi(e, Scale::o3_8h, in.o3_8h));
  }
  for (P p : {P::pm25, P::pm10, P::so2, P::no2, P::co, P::o3}) b.need(p, not_monitored);
  return b.finish(e);
}

AqiResult daily_aqi(Edition e, const DailyInput& in, std::uint8_t not_monitored) {
  Builder b;
  using P = Pollutant;
  b.set(P::pm25, iaqi(e, Scale::pm25_24h, prep(e, P::pm25, in.pm25)));
  b.set(P::pm10, iaqi(e, Scale::pm10_24h, prep(e, P::pm10, in.pm10)));
  b.set(P::so2, iaqi(e, Scale::so2_24h, prep(e, P::so2, in.so2)));
  b.set(P::no2, iaqi(e, Scale::no2_24h, prep(e, P::no2, in.no2)));
  b.set(P::co, iaqi(e, Scale::co_24h, prep(e, P::co, in.co)));
  const double o3_8h = prep(e, P::o3_8h, in.o3_8h);
  if (e == Edition::e2026) {
    b.set(P::o3_8h, o3_8h > 800 ? std::optional<int>(300) : iaqi(e, Scale::o3_8h, o3_8h));
  } else {
    b.set(P::o3_8h, iaqi(e, Scale::o3_8h, o3_8h));  // > 800: the O3 1-h IAQI stands
    b.set(P::o3, iaqi(e, Scale::o3_1h, in.o3));
  }
  for (P p : {P::pm25, P::pm10, P::so2, P::no2, P::co}) b.need(p, not_monitored);
  if (e == Edition::e2026 || !(o3_8h > 800)) b.need(P::o3_8h, not_monitored);
  if (e == Edition::e2012) b.need(P::o3, not_monitored);
  return b.finish(e);
}

int AqiResult::level() const { return aqi ? level_of(*aqi) : 0; }

int level_of(int aqi) {
  if (aqi <= 50) return 1;
  if (aqi <= 100) return 2;
  if (aqi <= 150) return 3;
  if (aqi <= 200) return 4;
  if (aqi <= 300) return 5;
  return 6;
}

namespace {
// HJ 633-2012 Table 2 and Appendix A; HJ 633-2026 Table 1 (same colours; the groups named in the
// advice read "青少年儿童 ... 心血管系统疾病" instead of "儿童 ... 心脏病").
constexpr std::array<LevelInfo, 6> kLevels2012{{
    {1, "一级", "优", "Excellent", "绿色", "green", {0, 228, 0},
     "空气质量令人满意，基本无空气污染", "各类人群可正常活动",
     "Air quality is satisfactory; air pollution poses little or no risk.",
     "Everyone can continue normal activities."},
    {2, "二级", "良", "Good", "黄色", "yellow", {255, 255, 0},
     "空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响",
     "极少数异常敏感人群应减少户外活动",
     "Air quality is acceptable; some pollutants may slightly affect a very few unusually "
     "sensitive people.",
     "A very few unusually sensitive people should reduce outdoor activity."},
    {3, "三级", "轻度污染", "Lightly polluted", "橙色", "orange", {255, 126, 0},
     "易感人群症状有轻度加剧，健康人群出现刺激症状",
     "儿童、老年人及心脏病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼",
     "Symptoms of sensitive people are slightly aggravated; healthy people show irritation.",
     "Children, the elderly and people with heart or respiratory disease should reduce long or "
     "intense outdoor exercise."},
    {4, "四级", "中度污染", "Moderately polluted", "红色", "red", {255, 0, 0},
     "进一步加剧易感人群症状，可能对健康人群心脏、呼吸系统有影响",
     "儿童、老年人及心脏病、呼吸系统疾病患者避免长时间、高强度的户外锻炼，一般人群适量减少户外运动",
     "Symptoms of sensitive people worsen further; the heart and lungs of healthy people may be "
     "affected.",
     "Children, the elderly and people with heart or respiratory disease should avoid long or "
     "intense outdoor exercise; everyone else should moderately reduce outdoor activity."},
    {5, "五级", "重度污染", "Heavily polluted", "紫色", "purple", {153, 0, 76},
     "心脏病和肺病患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状",
     "儿童、老年人和心脏病、肺病患者应停留在室内，停止户外运动，一般人群减少户外运动",
     "Symptoms of heart and lung patients are markedly worse and exercise tolerance falls; "
     "healthy people commonly show symptoms.",
     "Children, the elderly and heart or lung patients should stay indoors and stop outdoor "
     "exercise; everyone else should reduce outdoor activity."},
    {6, "六级", "严重污染", "Severely polluted", "褐红色", "maroon", {126, 0, 35},
     "健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病",
     "儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动",
     "Healthy people's exercise tolerance falls, with strong symptoms; some illnesses appear "
     "early.",
     "Children, the elderly and the sick should stay indoors and avoid exertion; everyone else "
     "should avoid outdoor activity."},
}};

constexpr std::array<LevelInfo, 6> make2026levels() {
  auto t = kLevels2012;
  t[2].advice_zh = "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼";
  t[3].advice_zh =
      "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者避免长时间、高强度的户外锻炼，一般人群适量减少户外运动";
  t[4].effect_zh = "心血管系统疾病和呼吸系统疾病患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状";
  t[4].advice_zh =
      "青少年儿童、老年人和心血管系统疾病、呼吸系统疾病患者应停留在室内，停止户外运动，一般人群减少户外运动";
  t[5].advice_zh = "青少年儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动";
  return t;  // the English paraphrase is shared by both editions
}
constexpr std::array<LevelInfo, 6> kLevels2026 = make2026levels();

}  // namespace

SensitiveGroups sensitive_groups(Pollutant p) {
  switch (p) {
    case Pollutant::so2: return {"哮喘患者、儿童、老年人", "asthma patients, children, the elderly"};
    case Pollutant::no2:
      return {"呼吸系统疾病患者、儿童、老年人", "people with respiratory disease, children, the elderly"};
    case Pollutant::co: return {"心血管系统疾病患者", "people with cardiovascular disease"};
    case Pollutant::o3:
    case Pollutant::o3_8h:
      return {"呼吸系统疾病患者、儿童、户外活动频繁人群、老年人",
              "people with respiratory disease, children, people often outdoors, the elderly"};
    default:
      return {"心血管系统疾病和呼吸系统疾病患者、儿童、户外活动人群、老年人",
              "people with cardiovascular or respiratory disease, children, people active "
              "outdoors, the elderly"};
  }
}

std::string colour_hex(Edition e, int level) {
  if (level < 1 || level > 6) return "#aaaaaa";
  const auto& rgb = level_info(e, level).rgb;
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return buf;
}

const LevelInfo& level_info(Edition e, int level) {
  if (level < 1) level = 1;
  if (level > 6) level = 6;
  return (e == Edition::e2012 ? kLevels2012 : kLevels2026)[level - 1];
}

}  // namespace skyriver::standards
