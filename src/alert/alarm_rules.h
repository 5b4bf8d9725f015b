// The alarm rules' thresholds, from config/<city>/alarms.toml (every key optional; the defaults
// below are the platform's and are listed in docs/sources.md). load_alarm_rules() reports every
// problem as "alarms.toml: key: reason" in one core::Error.
#pragma once

#include <string>
#include <vector>

namespace skyriver::alert {

struct AlarmRules {
  // exceedance: an hourly 折算 value over the outlet's limit. Severity s is reached after
  // severity_hours[s-1] consecutive exceeding hours.
  bool exceedance = true;
  std::vector<int> severity_hours{1, 3, 6};
  // load: the permit's daily / annual cap. Reaching `load_approach` of a cap raises severity 1
  // ("approached"); going over it, severity 3 ("exceeded").
  bool load = true;
  double load_approach = 0.9;
  // offline: no data from a site for `offline_minutes` (sites of these kinds). Checked against
  // the wall clock every `offline_check_seconds` for HJ 212 stations, and on the data's own
  // time line when values resume after a gap (any source). Closed by the system on recovery.
  bool offline = true;
  std::vector<std::string> offline_kinds{"outlet", "water", "air"};
  int offline_minutes = 120;
  int offline_check_seconds = 60;
  // data_quality: suspicious values at sites of these kinds (for outlets: the limited items, O2
  // and flow). constant: the same value for `constant_hours` hours; zero: 0 for `zero_hours`
  // hours; negative; range: above the analyser's range or flagged T; jump: farther than
  // jump_k x the standard deviation of the last `jump_window` valid values from their mean
  // (needs jump_min_points of them).
  bool data_quality = true;
  std::vector<std::string> data_quality_kinds{"outlet"};
  int constant_hours = 6;
  int zero_hours = 3;
  double jump_k = 5.0;
  int jump_window = 24;
  int jump_min_points = 24;
  // water_anomaly at automatic water stations: the class (GB 3838, worst item) drops by
  // >= class_drop classes within class_window_hours; or an item leaves its recent range
  // [min - k*(max-min), max + k*(max-min)] of the last item_window valid values (needs
  // item_min_points and max > min).
  bool water_anomaly = true;
  int class_drop = 2;
  int class_window_hours = 4;
  double item_k = 1.0;
  int item_window = 24;
  int item_min_points = 12;
  // air_dropout: an air station (not a reference station) that sends, but has had no valid
  // value for `dropout_hours` consecutive hours of an item other stations report validly, so it
  // drops out of the city mean. Closed by the system on recovery.
  bool air_dropout = true;
  int dropout_hours = 3;
  std::vector<std::string> dropout_items{"pm25", "pm10", "so2", "no2", "co", "o3"};
  // Replay from the store at start: at least this many hours before the latest data (and the
  // whole current year for outlet loads).
  int replay_hours = 72;
  // Delivery.
  std::vector<std::string> webhooks;
};

// Missing file -> defaults. Throws core::Error(file, "alarms.toml: key: reason ...").
AlarmRules load_alarm_rules(const std::string& file);

}  // namespace skyriver::alert
