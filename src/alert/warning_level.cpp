#include "alert/warning_level.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>

namespace skyriver::alert {

Trace Trace::of_days(core::Instant first_day_start, std::span<const double> days,
                     std::string_view day_kinds) {
  Trace t;
  t.start = first_day_start;
  t.aqi.reserve(days.size() * 24);
  for (double v : days) t.aqi.insert(t.aqi.end(), 24, v);
  if (!day_kinds.empty())
    for (char k : day_kinds) t.kind.append(24, k);
  return t;
}

std::string_view action_name(Action a) {
  static constexpr std::string_view names[] = {"none", "issue", "raise", "lower", "lift", "hold"};
  return names[static_cast<int>(a)];
}

namespace {

// Hours of the trace that belong to a run meeting condition c (see the header).
std::vector<bool> hours_meeting(const Condition& c, const std::vector<double>& v) {
  const std::size_t n = v.size();
  std::vector<bool> hit(n, false);
  if (c.reach_form()) {
    for (std::size_t h = 0; h < n; ++h) hit[h] = v[h] >= c.reach;  // NaN compares false
    return hit;
  }
  for (std::size_t phase = 0; phase < 24 && phase < n; ++phase) {
    // The daily values of this phase: hours phase, phase+24, ...
    std::size_t k = phase;
    while (k < n) {
      if (!(v[k] > c.above)) {
        k += 24;
        continue;
      }
      std::size_t end = k;  // one past the run's last member (in hours, stepping 24)
      int len = 0, inner = 0, best_inner = 0;
      while (end < n && v[end] > c.above) {
        ++len;
        inner = v[end] > c.with_above && c.with_days > 0 ? inner + 1 : 0;
        best_inner = std::max(best_inner, inner);
        end += 24;
      }
      if (len >= c.days && (c.with_days == 0 || best_inner >= c.with_days))
        for (std::size_t h = k; h < end; h += 24) hit[h] = true;
      k = end;
    }
  }
  return hit;
}

}  // namespace

namespace {

// Per alternative, the hours meeting it; per hour, the level in effect: the highest level whose
// run covers the hour, and inside a merged gap the higher of the levels on either side.
struct Analysis {
  struct Hits {
    Level level;
    const Condition* cond;
    std::vector<bool> hit;
  };
  std::vector<Hits> hits;
  std::vector<Level> level;  // per hour
  std::vector<bool> hot;     // per hour: inside a run meeting some alternative (gaps excluded)
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // merged episodes, hour offsets [a, b)
};

Analysis analyse(const RuleSet& rules, const Trace& trace) {
  const std::size_t n = trace.aqi.size();
  if (!trace.kind.empty() && trace.kind.size() != n)
    throw core::Error("warning trace", "kind must be empty or one per hour");
  Analysis an;
  an.level.assign(n, Level::none);
  for (const auto& lr : rules.levels)
    for (const auto& c : lr.any_of) {
      an.hits.push_back({lr.level, &c, hours_meeting(c, trace.aqi)});
      const auto& hit = an.hits.back().hit;
      for (std::size_t h = 0; h < n; ++h)
        if (hit[h]) an.level[h] = std::max(an.level[h], lr.level);
    }
  an.hot.resize(n);
  for (std::size_t h = 0; h < n; ++h) an.hot[h] = an.level[h] != Level::none;
  for (std::size_t h = 0; h < n;) {
    if (an.level[h] == Level::none) {
      ++h;
      continue;
    }
    std::size_t e = h;
    while (e < n && an.level[e] != Level::none) ++e;
    if (!an.spans.empty() && h - an.spans.back().second < static_cast<std::size_t>(rules.merge_gap_hours)) {
      const std::size_t g = an.spans.back().second;
      const Level fill = std::max(an.level[g - 1], an.level[h]);
      for (std::size_t x = g; x < h; ++x) an.level[x] = fill;
      an.spans.back().second = e;
    } else {
      an.spans.push_back({h, e});
    }
    h = e;
  }
  // The higher level holds through the whole (merged) episode, and a merged episode starts from
  // its higher level (REFERENCE.md 5: "按一次过程从高级别启动"; Taiyuan 2019: the higher level
  // holds while AQI swings): every hour of a span takes the span's highest level.
  for (auto [a, b] : an.spans) {
    const Level top = *std::max_element(an.level.begin() + static_cast<std::ptrdiff_t>(a),
                                        an.level.begin() + static_cast<std::ptrdiff_t>(b));
    std::fill(an.level.begin() + static_cast<std::ptrdiff_t>(a), an.level.begin() + static_cast<std::ptrdiff_t>(b), top);
  }
  return an;
}

// The first alternative (config order) of `level` met inside hours [a, b).
std::string basis_of(const Analysis& an, Level level, std::size_t a, std::size_t b) {
  for (const auto& x : an.hits)
    if (x.level == level &&
        std::any_of(x.hit.begin() + static_cast<std::ptrdiff_t>(a), x.hit.begin() + static_cast<std::ptrdiff_t>(b),
                    [](bool v) { return v; }))
      return x.cond->text();
  return "";
}

Episode episode_of(const Analysis& an, const Trace& trace, std::size_t a, std::size_t b) {
  Episode ep;
  ep.from = trace.start + static_cast<core::Instant>(a) * core::kHour;
  ep.to = trace.start + static_cast<core::Instant>(b) * core::kHour;
  bool all_o3 = !trace.kind.empty(), all_dust = !trace.kind.empty();
  for (std::size_t h = a; h < b; ++h) {
    ep.level = std::max(ep.level, an.level[h]);
    if (!std::isnan(trace.aqi[h])) ep.peak = std::max(ep.peak, trace.aqi[h]);
    if (!trace.kind.empty() && an.hot[h]) {
      all_o3 = all_o3 && trace.kind[h] == 'o';
      all_dust = all_dust && trace.kind[h] == 'd';
    }
  }
  ep.kind = all_o3 ? "o3" : all_dust ? "dust" : "pm";
  ep.basis = basis_of(an, ep.level, a, b);
  return ep;
}

}  // namespace

std::vector<Episode> episodes(const RuleSet& rules, const Trace& trace) {
  const Analysis an = analyse(rules, trace);
  std::vector<Episode> out;
  for (auto [a, b] : an.spans) out.push_back(episode_of(an, trace, a, b));
  return out;
}

std::vector<DayMet> days_met(const RuleSet& rules, const Trace& trace) {
  const Analysis an = analyse(rules, trace);
  const std::size_t n = trace.aqi.size();
  std::vector<DayMet> out((n + 23) / 24);
  for (std::size_t d = 0; d < out.size(); ++d) {
    const std::size_t a = 24 * d, b = std::min(n, a + 24);
    DayMet& m = out[d];
    for (std::size_t h = a; h < b; ++h) m.level = std::max(m.level, an.level[h]);
    for (int l = static_cast<int>(Level::red); l > 0; --l)  // highest level first, then config order
      for (const auto& x : an.hits)
        if (x.level == static_cast<Level>(l) &&
            std::any_of(x.hit.begin() + static_cast<std::ptrdiff_t>(a), x.hit.begin() + static_cast<std::ptrdiff_t>(b),
                        [](bool v) { return v; }))
          m.met += (m.met.empty() ? "" : "; ") + std::string(level_name(x.level)) + ": " + x.cond->text();
    if (m.met.empty() && m.level != Level::none) m.met = "inside a merged episode (gap under merge_gap_hours)";
  }
  return out;
}

Assessment assess(const RuleSet& rules, const Trace& trace) {
  Assessment a;
  for (auto& ep : episodes(rules, trace))
    if (ep.level > a.level) {
      a.level = ep.level;
      a.episode = std::move(ep);
    }
  return a;
}

Decision decide(const RuleSet& rules, const Trace& trace, core::Instant now, Level in_force) {
  if (now < trace.start || now >= trace.end() || (now - trace.start) % core::kHour != 0)
    throw core::Error("warning decision", "'now' must be a whole hour inside the trace");
  const Analysis an = analyse(rules, trace);
  const std::size_t n = trace.aqi.size();
  const std::size_t h0 = static_cast<std::size_t>((now - trace.start) / core::kHour);
  const std::size_t w = h0 + static_cast<std::size_t>(rules.lift_hours);
  Decision d;
  d.in_force = d.level = in_force;
  std::size_t first = n;  // first hour of the window at the target level
  for (std::size_t h = h0; h < std::min(w, n); ++h)
    if (an.level[h] > d.target) d.target = an.level[h], first = h;
  if (d.target != Level::none) {
    for (auto [a, b] : an.spans)
      if (a <= first && first < b) {
        d.episode = episode_of(an, trace, a, b);
        d.episode->basis = basis_of(an, d.target, a, b);
        // Issue from the first hour of the episode inside the window.
        first = std::max(a, h0);
      }
  }
  if (d.target > in_force) {
    d.action = in_force == Level::none ? Action::issue : Action::raise;
    d.level = d.target;
    d.effective = trace.start + static_cast<core::Instant>(first) * core::kHour;
  } else if (d.target < in_force && d.target != Level::none) {
    // An episode is still in the window: the level in force holds (never lowered mid-episode;
    // it ends by lifting once the forecast is below the start condition for lift_hours).
    d.action = Action::hold;
  } else if (d.target < in_force) {
    // Lower or lift only when every hour of the window is known.
    bool known = w <= n;
    for (std::size_t h = h0; known && h < w; ++h) known = !std::isnan(trace.aqi[h]);
    if (known) {
      d.action = Action::lift;
      d.level = Level::none;
      d.effective = now;
    } else {
      d.action = Action::hold;
    }
  } else {
    d.action = in_force == Level::none ? Action::none : Action::hold;
  }
  return d;
}

}  // namespace skyriver::alert
