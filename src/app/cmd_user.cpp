// `skyriver user`: the platform's accounts (src/accounts/, issue 26).
//   skyriver user add NAME --role admin|duty|county|enterprise|viewer [--area CODE]...
//                [--enterprise ID] [--display TEXT] --password-stdin [--db DB] [--config DIR]
//   skyriver user list | disable NAME | password NAME --password-stdin
//   skyriver user token NAME [--label TEXT]   prints a new API token once (stored as a hash)
//   skyriver user tokens NAME | revoke TOKEN-ID
// The password is read from the first line of standard input, never from an argument (which
// `ps` and shell history would show); it is at least accounts::kMinPassword (10) characters.
// Changes made here are recorded as made by "cli" (the account's created_by / changed_by).
// Any bad input: an error naming the option, exit 2, nothing stored.
#include "accounts/accounts.h"
#include "accounts/secret.h"
#include "app/command.h"
#include "core/error.h"
#include "model/city.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <ctime>
#include <iostream>
#include <memory>

namespace {

using namespace skyriver;

struct Options {
  std::string config = "config/datong", db = "var/skyriver.db";
  std::string name, role, enterprise, display, label;
  std::vector<std::string> areas;
  std::int64_t token_id = 0;
  bool password_stdin = false;
};

constexpr const char* kBy = "cli";

std::string read_password(const Options& o) {
  if (!o.password_stdin) throw core::Error("--password-stdin", "give the password on standard input with --password-stdin");
  std::string pw;
  std::getline(std::cin, pw);
  if (!pw.empty() && pw.back() == '\r') pw.pop_back();
  accounts::check_password("--password-stdin", pw);
  return pw;
}

int add(const Options& o) {
  const auto role = accounts::parse_role(o.role);
  if (!role) throw core::Error("--role", "'" + o.role + "' is not a role: admin, duty, county, enterprise or viewer");
  const model::CityConfig city = model::load_city(o.config);
  const accounts::NewUser u{o.name, o.display, *role, o.areas, o.enterprise};
  const std::string pw = read_password(o);
  accounts::check_new_user("user " + o.name, u, pw, city);  // before the store is opened
  auto db = store::AccountStore::open(o.db);
  const auto row = accounts::add_user(*db, u, pw, kBy, std::time(nullptr), city);
  std::cout << fmt::format("user {} added: role {}{}{}\n", row.name, row.role,
                           row.areas.empty() ? "" : fmt::format(", areas {}", fmt::join(row.areas, " ")),
                           row.enterprise.empty() ? "" : ", enterprise " + row.enterprise);
  return 0;
}

int list(const Options& o) {
  auto db = store::AccountStore::open(o.db);
  for (const auto& u : db->users())
    std::cout << fmt::format("{}\t{}\t{}\t{}\t{}\tchanged {} by {}\n", u.name, u.role,
                             u.role == "county" ? fmt::format("{}", fmt::join(u.areas, ",")) : u.enterprise,
                             u.active ? "active" : "disabled", u.display, core::format_iso(u.changed_at), u.changed_by);
  return 0;
}

int disable(const Options& o) {
  auto db = store::AccountStore::open(o.db);
  accounts::disable_user(*db, o.name, kBy, std::time(nullptr));
  std::cout << fmt::format("user {} disabled; its sessions ended and its tokens refused\n", o.name);
  return 0;
}

int password(const Options& o) {
  const std::string pw = read_password(o);
  auto db = store::AccountStore::open(o.db);
  accounts::change_password(*db, o.name, pw, kBy, std::time(nullptr));
  std::cout << fmt::format("password of {} changed; its sessions ended\n", o.name);
  return 0;
}

int token(const Options& o) {
  auto db = store::AccountStore::open(o.db);
  store::TokenRow row;
  const std::string secret = accounts::issue_token(*db, o.name, o.label, kBy, std::time(nullptr), &row);
  std::cerr << fmt::format("token {} of {} created; it is shown only now (the store keeps its hash):\n", row.id, o.name);
  std::cout << secret << "\n";
  return 0;
}

int tokens(const Options& o) {
  auto db = store::AccountStore::open(o.db);
  if (!db->user(o.name)) throw core::Error("user " + o.name, "no such user");
  for (const auto& t : db->tokens(o.name))
    std::cout << fmt::format("{}\t{}\tcreated {}\t{}\n", t.id, t.label.empty() ? "-" : t.label,
                             core::format_iso(t.created_at),
                             t.revoked_at ? "revoked " + core::format_iso(*t.revoked_at) : std::string("live"));
  return 0;
}

int revoke(const Options& o) {
  auto db = store::AccountStore::open(o.db);
  if (!accounts::revoke_token(*db, o.token_id, std::time(nullptr)))
    throw core::Error("TOKEN-ID " + std::to_string(o.token_id), "no live token has this id");
  std::cout << fmt::format("token {} revoked\n", o.token_id);
  return 0;
}

}  // namespace

static skyriver::app::Command user_command{
    "user", "accounts: add, list, disable, password, API tokens", [](CLI::App& cmd) {
      auto o = std::make_shared<Options>();
      auto mode = std::make_shared<std::function<int(const Options&)>>();
      cmd.require_subcommand(1);
      auto sub = [&](const char* name, const char* help, int (*fn)(const Options&)) {
        auto* s = cmd.add_subcommand(name, help);
        s->add_option("--db", o->db, "store URL or SQLite file")->capture_default_str();
        s->callback([mode, fn] { *mode = fn; });
        return s;
      };
      auto* a = sub("add", "add a user (the password on standard input)", add);
      a->add_option("NAME", o->name, "login name: letters, digits, . _ -")->required();
      a->add_option("--role", o->role, "admin | duty | county | enterprise | viewer")->required();
      a->add_option("--area", o->areas, "county users: an area code of the city (repeatable)");
      a->add_option("--enterprise", o->enterprise, "enterprise users: the enterprise id of sources.toml");
      a->add_option("--display", o->display, "the name shown (default: NAME)");
      a->add_flag("--password-stdin", o->password_stdin, "read the password from standard input")->required();
      a->add_option("--config", o->config, "city configuration folder (areas, enterprises)")->capture_default_str();
      sub("list", "list users", list);
      sub("disable", "disable a user: ends its sessions, refuses its tokens", disable)
          ->add_option("NAME", o->name, "the user")
          ->required();
      auto* p = sub("password", "set a user's password (on standard input); ends its sessions", password);
      p->add_option("NAME", o->name, "the user")->required();
      p->add_flag("--password-stdin", o->password_stdin, "read the password from standard input")->required();
      auto* t = sub("token", "create an API token (printed once)", token);
      t->add_option("NAME", o->name, "the user")->required();
      t->add_option("--label", o->label, "what the token is for");
      sub("tokens", "list a user's API tokens", tokens)->add_option("NAME", o->name, "the user")->required();
      sub("revoke", "revoke an API token", revoke)->add_option("TOKEN-ID", o->token_id, "the token's id")->required();
      return [o, mode]() { return (*mode)(*o); };
    }};
