#include "assess/water_json.h"

#include <cmath>

namespace skyriver::assess {

using namespace skyriver::standards;

namespace {
double round2(double v) { return std::round(v * 100) / 100; }
}  // namespace

nlohmann::json to_json(const SectionEval& e, WaterBody body) {
  nlohmann::json j;
  j["class"] = class_name(e.cls);
  j["status"] = e.status.name;
  j["colour"] = e.status.colour;
  j["body"] = body == WaterBody::Lake ? "lake" : "river";
  j["items"] = nlohmann::json::object();
  j["values"] = nlohmann::json::object();
  j["exceed_iii"] = nlohmann::json::object();
  j["exceed_target"] = nlohmann::json::object();
  for (const auto& it : e.items) {
    j["values"][it.code] = it.value;
    j["items"][it.code] = it.cls ? nlohmann::json(class_name(*it.cls)) : nlohmann::json(nullptr);
    if (it.exceed_iii) j["exceed_iii"][it.code] = round2(*it.exceed_iii);
    if (it.exceed_target) j["exceed_target"][it.code] = round2(*it.exceed_target);
  }
  j["main_pollutants"] = e.main_pollutants;
  j["evaluated"] = e.evaluated;
  j["not_measured"] = e.not_measured;
  if (e.target) {
    j["target"] = class_name(*e.target);
    j["meets_target"] = *e.meets_target;
  }
  if (e.tn_class) j["tn_class"] = class_name(*e.tn_class);
  if (e.fcoli_class) j["fcoli_class"] = class_name(*e.fcoli_class);
  return j;
}

}  // namespace skyriver::assess
