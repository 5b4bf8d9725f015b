// Ledger (台账) routes: tasks, cases and complaints (ledger/ledger.h): list, one with its
// history, create, update (state steps, notes, evidence), import of an XLSX or CSV sheet, XLSX export and
// the statistics. Write routes need the API token; the acting person is the body's "user".
#include "api/openapi.h"
#include "api/routes.h"
#include "core/error.h"
#include "core/store_error.h"
#include "core/utf8.h"
#include "ledger/ledger.h"
#include "ledger/xlsx_sheet.h"

#include <set>

namespace skyriver::api {

using nlohmann::json;

namespace {

ledger::Ledger& ledger_of(const Context& ctx) {
  if (!ctx.ledger) throw ApiError(503, "no_ledger", "this server keeps no ledger (no store)");
  return *ctx.ledger;
}




// 403 unless the logged-in user may act on task `t` (docs/api.md): a county user on tasks of
// its areas (the task's county, or its site), an enterprise user on its own tasks and then
// only with a reply (note, evidence).
bool task_in_scope(const Request& req, const Context& ctx, const ledger::Task& t) {
  if (!req.principal || !ctx.city) return true;
  const accounts::Principal& p = *req.principal;
  if (p.role == accounts::Role::county)
    return accounts::covers_area(p, t.county, *ctx.city) || (!t.site.empty() && accounts::covers_site(p, t.site, *ctx.city));
  if (p.role == accounts::Role::enterprise) return !p.enterprise.empty() && t.enterprise == p.enterprise;
  return true;
}

void require_task_scope(const Request& req, const Context& ctx, const ledger::Task& t, const json* reply) {
  if (!req.principal || !ctx.city) return;
  const accounts::Principal& p = *req.principal;
  if (!task_in_scope(req, ctx, t)) throw ApiError(403, "forbidden", "task " + in_quotes(t.id) + " is outside the scope of user " + p.name);
  if (reply && p.role == accounts::Role::enterprise)
    for (const auto& [k, v] : reply->items())
      if (k != "note" && k != "evidence")
        throw ApiError(403, "forbidden", "an enterprise answers a task with a note and evidence only, not '" + k + "'",
                       k);
}


// A ledger change answered: a bad field is 400 naming it; anything else the ledger refuses
// (a step the type does not allow from the current state, an id in use) is 409.
template <class F>
Response ledger_answer(F&& change) {
  try {
    return json_answer(ledger::to_json(change(), ledger::today_beijing()));
  } catch (const ledger::FieldError& e) {
    throw bad_parameter(e.field(), e.reason());
  } catch (const core::StoreError&) {
    throw;  // the router answers it (503, detail in the log)
  } catch (const core::Error& e) {
    throw ApiError(409, "conflict", e.what());
  }
}

}  // namespace

void add_ledger_routes(Router& router, Context& ctx) {
  router.add("GET", "/api/tasks",
             may_answer({"The ledger: rectification tasks, enforcement cases and complaints, with filters; each with its "
              "overdue flag (deadline passed, not in its final state).",
              "ledger",
              {{"type", "query", "string", "entry type", false, {"rectification", "case", "complaint"}, "rectification"},
               {"state", "query", "string", "state", false, {}, "open"},
               {"county", "query", "string", "county (area id)", false, {}, "140214"},
               {"batch", "query", "string", "inspection batch", false, {}, ""},
               {"department", "query", "string", "responsible department", false, {}, ""},
               {"alarm", "query", "string", "opened from this alarm", false, {}, ""},
               {"overdue", "query", "string", "only overdue (true) or not overdue (false)", false, {"true", "false"}, "true"},
               {"limit", "query", "integer", "at most this many", false, {}, "100"}},
              "application/json", schema::object({{"count", schema::integer()}, {"tasks", schema::array()}})}, {503}),
             [&ctx](const Request& req) {
               auto& lg = ledger_of(ctx);
               ledger::TaskFilter f;
               f.type = req.get("type");
               f.state = req.get("state");
               f.county = req.get("county");
               f.batch = req.get("batch");
               f.department = req.get("department");
               f.alarm = req.get("alarm");
               if (req.has("overdue")) f.overdue = req.get("overdue") == "true";
               if (req.has("limit")) f.limit = std::stoul(req.get("limit"));
               const auto today = ledger::today_beijing();
               json a = json::array();
               for (const auto& t : lg.list(f, today))
                 if (task_in_scope(req, ctx, t)) a.push_back(ledger::to_json(t, today));  // county / enterprise: theirs
               return json_answer({{"count", a.size()}, {"tasks", a}});
             });

  router.add("GET", "/api/tasks/stats",
             may_answer({"Ledger statistics: rectification tasks by batch (total, closed, closed share, overdue), cases "
              "(decided, closed, penalties), complaints (concluded and feedback rates, by source), per county.",
              "ledger", {}, "application/json",
              schema::object({{"date", schema::string()}, {"rectification", schema::any_object()}, {"by_batch", schema::array()},
                              {"cases", schema::any_object()}, {"complaints", schema::any_object()}, {"by_county", schema::array()}})}, {503}),
             [&ctx](const Request&) { return json_answer(ledger_of(ctx).stats(ledger::today_beijing())); });

  router.add("GET", "/api/tasks/export.xlsx",
             may_answer({"The ledger as an Excel workbook (sheets: tasks, statistics).", "ledger", {},
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {{"type", "string"}, {"format", "binary"}}}, {503}),
             [&ctx](const Request&) {
               Response r;
               r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
               r.headers.push_back({"Content-Disposition", "attachment; filename=\"ledger.xlsx\""});
               r.body = ledger_of(ctx).export_xlsx(ledger::today_beijing());
               return r;
             });

  router.add("GET", "/api/tasks/{id}",
             may_answer({"One ledger entry and its history (every change, who and when).", "ledger",
              {{"id", "path", "string", "task id", true, {}, "T000001"}}, "application/json",
              schema::object({{"task", schema::any_object()}, {"history", schema::array()}})}, {503}),
             [&ctx](const Request& req) {
               auto& lg = ledger_of(ctx);
               auto t = lg.find(req.get("id"));
               if (!t) throw ApiError(404, "not_found", "parameter 'id': no task '" + req.get("id") + "'", "id");
               require_task_scope(req, ctx, *t, nullptr);
               json h = json::array();
               for (const auto& rec : lg.history(t->id))
                 h.push_back({{"record", rec.id}, {"at", core::format_iso(rec.at)}, {"who", rec.who}, {"task", json::parse(rec.body)}});
               return json_answer({{"task", ledger::to_json(*t, ledger::today_beijing())}, {"history", h}});
             });

  router.add("POST", "/api/tasks",
             may_answer({"Create a ledger entry. Body: JSON {type, title, county, batch?, department?, deadline?, state?, "
              "case_no?, penalty_yuan?, source?, received?, note?, site?, enterprise?}. County users: tasks of their areas.",
              "ledger", {}, "application/json", {{"type", "object"}}, roles::alarm_desk, "application/json"}, {409, 503}),
             [&ctx](const Request& req) {
               auto& lg = ledger_of(ctx);
               json b = json_body(req);
               const std::string who = acting(req);
               std::string note;
               if (b.contains("note")) {
                 if (!b["note"].is_string()) throw bad_parameter("note", "must be text");
                 note = b["note"].get<std::string>();
                 b.erase("note");
               }
               static const std::set<std::string> keys{"id", "type", "batch", "title", "county", "department", "deadline",
                                                       "state", "case_no", "penalty_yuan", "filed", "decided", "closed_on",
                                                       "source", "received", "concluded", "feedback", "site", "enterprise",
                                                       "evidence"};
               for (const auto& [k, v] : b.items())
                 if (!keys.count(k)) throw bad_parameter(k, "is not a field of a ledger entry");
               if (!b.contains("type")) throw bad_parameter("type", "is required");
               if (!b.contains("id")) b["id"] = "";
               ledger::Task t;
               try {
                 t = ledger::task_from_json(b);
               } catch (const ledger::FieldError& e) {
                 throw bad_parameter(e.field(), e.reason());
               } catch (const core::StoreError&) {
                 throw;  // the router answers it (503, detail in the log)
               } catch (const core::Error& e) {
                 throw bad_parameter("body", e.why());
               }
               if (!note.empty()) t.notes.push_back({0, "", note});
               require_task_scope(req, ctx, t, nullptr);
               return ledger_answer([&] { return lg.create(t, who); });
             });

  router.add("POST", "/api/tasks/import",
             may_answer(with_body_limit({"Import a ledger sheet: an XLSX workbook (its first worksheet) or CSV (UTF-8); header of English or "
              "Chinese column names, see docs/sources.md. Bad rows are reported as file:row and skipped; good rows "
              "are stored.",
              "ledger",
              {{"name", "query", "string", "the file's name (used in row errors)", false, {}, "ledger.csv"}},
              "application/json", schema::object({{"rows", schema::integer()}, {"created", schema::integer()},
                                              {"errors", schema::array(schema::object({{"where", schema::string()}, {"why", schema::string()}}))}}), roles::city_desk, "text/csv"},
                             16 << 20), {503}),  // a sheet, not JSON: up to 16 MiB (token needed)
             [&ctx](const Request& req) {
               auto& lg = ledger_of(ctx);
               if (req.body.empty()) throw bad_parameter("body", "is empty: send the sheet (XLSX or CSV)");
               // A CSV sheet is refused whole (nothing imported) rather than stored with broken text.
               if (!ledger::looks_like_xlsx(req.body))
                 if (const auto at = core::invalid_utf8_at(req.body))
                   throw bad_parameter("body", "is neither an XLSX workbook nor UTF-8 CSV (invalid UTF-8 at byte " +
                                                   std::to_string(*at) + ")");
               const std::string name = req.has("name") ? req.get("name") : "upload.csv";
               auto rep = lg.import_sheet(name, req.body, acting(req));
               json errs = json::array();
               for (const auto& e : rep.errors) errs.push_back({{"where", e.where}, {"why", e.why}});
               return json_answer({{"rows", rep.rows}, {"created", rep.created}, {"errors", errs}});
             });

  router.add("POST", "/api/tasks/{id}",
             may_answer({"Change a ledger entry: a state step, a progress note, an evidence file, a deadline, ... "
              "Body: JSON {state?, note?, evidence?, deadline?, penalty_yuan?, feedback?, ...}. County users: tasks of their "
              "areas; enterprise users: a reply {note?, evidence?} to their own tasks.",
              "ledger", {{"id", "path", "string", "task id", true, {}, "T000001"}}, "application/json",
              {{"type", "object"}}, roles::task_reply, "application/json"}, {409, 503}),
             [&ctx](const Request& req) {
               auto& lg = ledger_of(ctx);
               const json b = json_body(req);
               const auto found = lg.find(req.get("id"));
               if (!found) throw ApiError(404, "not_found", "parameter 'id': no task '" + req.get("id") + "'", "id");
               require_task_scope(req, ctx, *found, &b);
               return ledger_answer([&] { return lg.update(req.get("id"), b, acting(req)); });
             });

}

}  // namespace skyriver::api
