// Write routes: audit marks and file upload for import. They need the API token
// (Router::set_tokens); the store work is done by Context hooks set in `skyriver serve`.
#include "api/openapi.h"
#include "api/routes.h"
#include "core/text.h"

#include <filesystem>

namespace skyriver::api {

using nlohmann::json;

void add_write_routes(Router& router, Context& ctx) {
  router.add("POST", "/api/marks",
             may_answer({"Record an audit mark over the hours [from, to) of one site's parameter (or all its parameters): "
              "invalid, dust (sand/dust affected) or valid (lifts earlier marks). Raw data is never changed. "
              "Body: JSON {site, parameter?, from, to, mark, reason}",
              "write", {}, "application/json",
              schema::object({{"hours", schema::integer()}, {"mark", schema::string()}}), roles::city_desk, "application/json"}, {503}),
             [&ctx](const Request& req) {
               const json body = json_body(req);
               for (const auto& [k, v] : body.items())
                 if (k != "site" && k != "parameter" && k != "from" && k != "to" && k != "mark" && k != "reason")
                   throw bad_parameter(k, "is not a field of a mark (site, parameter, from, to, mark, reason)");
               auto text = [&](const char* k, bool required) -> std::string {
                 if (!body.contains(k)) {
                   if (required) throw bad_parameter(k, "is required");
                   return "";
                 }
                 if (!body[k].is_string()) throw bad_parameter(k, "must be a string");
                 return body[k].get<std::string>();
               };
               AuditRequest a;
               a.site = text("site", true);
               a.parameter = text("parameter", false);
               a.mark = text("mark", true);
               a.reason = text("reason", true);
               a.user = acting(req);
               if (auto why = core::stored_text_problem(a.reason); !why.empty()) throw bad_parameter("reason", why);
               if (a.mark != "invalid" && a.mark != "dust" && a.mark != "valid")
                 throw bad_parameter("mark", in_quotes(a.mark) + " is not one of: invalid, dust, valid");
               Request times;
               times.query = {{"from", text("from", true)}, {"to", text("to", true)}};
               a.from = *time_param(times, "from");
               a.to = *time_param(times, "to");
               if (a.from % core::kHour || a.to % core::kHour) throw bad_parameter("from", "marks cover whole hours");
               if (a.to <= a.from) throw bad_parameter("to", "must be after 'from'");
               if (a.to - a.from > 366 * core::kDay) throw bad_parameter("to", "at most one year per mark request");
               const auto [site_known, parameter_known] = ctx.engine.read([&](const engine::Engine& e) {
                 return std::pair{e.site(a.site) != nullptr, a.parameter.empty() || e.knows_parameter(a.parameter)};
               });
               if (!site_known) throw ApiError(404, "not_found", "parameter 'site': no site " + in_quotes(a.site), "site");
               if (!parameter_known)
                 throw bad_parameter("parameter", in_quotes(a.parameter) + " is not a parameter of this city (config parameters.toml)");
               if (!ctx.record_audit) throw ApiError(503, "no_store", "this server has no store to record marks in");
               ctx.record_audit(a);
               const auto mark = a.mark == "dust" ? engine::kDust : engine::kAuditInvalid;
               if (a.mark == "valid") {
                 ctx.engine.mark(a.site, a.parameter, a.from, a.to, engine::kAuditInvalid, false);
                 ctx.engine.mark(a.site, a.parameter, a.from, a.to, engine::kDust, false);
               } else {
                 ctx.engine.mark(a.site, a.parameter, a.from, a.to, mark, true);
               }
               return json_answer({{"hours", (a.to - a.from) / core::kHour}, {"mark", a.mark}});
             });

  router.add("POST", "/api/import",
             may_answer(upload({"Upload a data file to import into the store (body = the file's bytes, gzip allowed); the new values "
              "reach the engine and the live stream at once. Answers the import report.",
              "write",
              {{"format", "query", "string", "file format", true, {"cnemc"}, "cnemc"},
               {"name", "query", "string", "the file's name (kept as the source of each value)", false, {}, "china_sites_20191231.csv"}},
              "application/json", {{"type", "object"}}, roles::city_desk, "application/octet-stream"}), {503}),
             [&ctx](const Request& req) {
               if (!ctx.import_file) throw ApiError(503, "no_importer", "this server cannot import files");
               std::error_code ec;
               if (req.body_file.empty() || std::filesystem::file_size(req.body_file, ec) == 0 || ec)
                 throw bad_parameter("body", "is empty: send the file's bytes");
               std::string name = req.has("name") ? req.get("name") : "upload";
               if (name.empty() || name == "." || name == ".." || name.size() > 200 ||
                   name.find_first_of(std::string("/\\\0", 3)) != std::string::npos)
                 throw bad_parameter("name", "must be a plain file name (at most 200 bytes)");
               return json_answer(ctx.import_file(req.get("format"), name, req.body_file));
             });
}

}  // namespace skyriver::api
