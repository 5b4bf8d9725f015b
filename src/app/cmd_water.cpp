// `skyriver water class|cwqi|tli`: GB 3838-2002 classes, the section evaluation (评价办法), CWQI and
// TLI of values given on the command line. Item options are the platform codes (--codmn, --nh3n,
// --cr6, ...); values in stored units (mg/L, fcoli 个/L, pH none).
#include "app/command.h"
#include "core/error.h"
#include "core/text.h"
#include "standards/cwqi.h"
#include "standards/tli.h"
#include "standards/water_class.h"
#include "standards/water_eval.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <map>
#include <memory>

namespace {

using namespace skyriver;
using namespace skyriver::standards;

struct Options {
  bool lake = false, json = false;
  std::string target;
  std::map<std::string, std::string> values;  // option text per item code
};

double round2(double v) { return std::round(v * 100) / 100; }

void add_items(CLI::App& cmd, Options& o, bool auxiliaries) {
  for (const auto& item : table1()) {
    const std::string code(item.code);
    cmd.add_option("--" + code, o.values[code],
                   fmt::format("{} ({})", item.name_zh, item.unit.empty() ? "none" : item.unit));
  }
  if (auxiliaries)
    for (const char* code : {"chla", "sd"}) cmd.add_option(std::string("--") + code, o.values[code]);
}

Concentrations parse_values(const Options& o) {
  Concentrations out;
  for (const auto& [code, text] : o.values) {
    if (text.empty()) continue;
    auto v = core::parse_number(text);
    if (!v) throw core::Error("--" + code, "'" + text + "' is not a number");
    if (*v < 0 && code != "wtemp") throw core::Error("--" + code, "negative value " + text);
    out[code] = *v;
  }
  return out;
}

std::optional<WaterClass> parse_target(const Options& o) {
  if (o.target.empty()) return std::nullopt;
  auto c = parse_class(o.target);
  if (!c || *c == WaterClass::WorseV)
    throw core::Error("--target", "'" + o.target + "' is not a target class (I II III IV V)");
  return c;
}

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

void print_text(const SectionEval& e) {
  std::cout << fmt::format("{:<10} {:>12} {:>6} {:>10}\n", "item", "value", "class", "x over III");
  for (const auto& it : e.items)
    std::cout << fmt::format("{:<10} {:>12} {:>6} {:>10}{}\n", it.code, fmt::format("{:g}", it.value),
                             it.cls ? class_name(*it.cls) : "-",
                             it.exceed_iii ? fmt::format("{:.2f}", *it.exceed_iii) : "",
                             it.in_class ? "" : "  (not in the section class)");
  std::cout << fmt::format("section class {} ({}, {}), from {} of 21 items\n", class_name(e.cls),
                           e.status.name, e.status.colour, e.evaluated.size());
  if (e.target)
    std::cout << fmt::format("target {}: {}\n", class_name(*e.target),
                             *e.meets_target ? "met" : "NOT met");
  if (!e.main_pollutants.empty()) {
    std::cout << "main pollutants:";
    for (const auto& code : e.main_pollutants) {
      std::cout << " " << code;
      for (const auto& it : e.items)
        if (it.code == code && it.exceed_iii) std::cout << fmt::format(" ({:.2f})", *it.exceed_iii);
    }
    std::cout << "\n";
  }
  if (e.tn_class) std::cout << "TN (evaluated separately): " << class_name(*e.tn_class) << "\n";
  if (e.fcoli_class) std::cout << "faecal coliforms (evaluated separately): " << class_name(*e.fcoli_class) << "\n";
}

}  // namespace

static skyriver::app::Command water_command{
    "water", "surface water: GB 3838 class, section evaluation, CWQI, TLI", [](CLI::App& cmd) {
      cmd.require_subcommand(1);
      auto o = std::make_shared<Options>();
      auto* cls = cmd.add_subcommand("class", "class of each item, section class, status, "
                                              "exceedance multiples and main pollutants");
      cls->add_flag("--lake", o->lake, "lake or reservoir (TP lake limits, TN evaluated)");
      cls->add_option("--target", o->target, "the section's target class (I..V)");
      cls->add_flag("--json", o->json, "JSON output");
      add_items(*cls, *o, false);

      auto* cw = cmd.add_subcommand("cwqi", "CWQI of one section (or of river means)");
      cw->add_flag("--lake", o->lake, "lake or reservoir point");
      cw->add_flag("--json", o->json, "JSON output");
      add_items(*cw, *o, false);

      auto* tl = cmd.add_subcommand("tli", "trophic level index TLI of a lake or reservoir");
      tl->add_flag("--json", o->json, "JSON output");
      for (const char* code : {"chla", "tp", "tn", "sd", "codmn"})
        tl->add_option(std::string("--") + code, o->values[code]);

      return [o, cls, cw, tl]() -> int {
        const WaterBody body = o->lake ? WaterBody::Lake : WaterBody::River;
        const Concentrations values = parse_values(*o);
        if (cls->parsed()) {
          const auto e = evaluate_section(values, body, parse_target(*o));
          if (o->json) std::cout << to_json(e, body).dump(2) << "\n";
          else print_text(e);
        } else if (cw->parsed()) {
          const auto c = cwqi(values, body);
          if (o->json) {
            nlohmann::json j{{"cwqi", c.total}, {"items", nlohmann::json::object()}};
            for (const auto& [code, v] : c.items) j["items"][code] = v;
            std::cout << j.dump(2) << "\n";
          } else {
            for (const auto& [code, v] : c.items) std::cout << fmt::format("{:<10} {:.4f}\n", code, v);
            std::cout << fmt::format("CWQI {:.4f}\n", c.total);
          }
        } else if (tl->parsed()) {
          auto get = [&](const char* k) -> std::optional<double> {
            auto it = values.find(k);
            return it == values.end() ? std::nullopt : std::optional<double>(it->second);
          };
          const auto r = tli({get("chla"), get("tp"), get("tn"), get("sd"), get("codmn")});
          if (o->json) {
            nlohmann::json j{{"tli", std::round(r.tli * 100) / 100}, {"state", r.state}};
            for (const auto& p : r.parts) j["parts"][p.code] = {{"tli", p.tli}, {"weight", p.weight}};
            std::cout << j.dump(2) << "\n";
          } else {
            for (const auto& p : r.parts)
              std::cout << fmt::format("{:<6} TLI {:7.2f}  weight {:.4f}\n", p.code, p.tli, p.weight);
            std::cout << fmt::format("TLI {:.2f} {}\n", r.tli, r.state);
          }
        }
        return 0;
      };
    }};
