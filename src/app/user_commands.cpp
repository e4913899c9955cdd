#include "app/user_commands.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/components.hpp"
#include "core/email_address.hpp"
#include "crypto/random.hpp"

namespace gatehouse::app {

namespace {

int fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "-> ERROR %s : %s\n", what, detail.c_str());
  return 1;
}

std::string read_hidden(const char* prompt) {
  std::fprintf(stderr, "%s", prompt);
  termios old{};
  const bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  return line;
}

void print_header() {
  std::printf("%-6s %-32s %-16s %-16s %-6s %-8s %-6s\n", "Id", "Email", "First Name", "Last Name",
              "Role", "Verified", "Banned");
}

void print_row(const store::User& u) {
  std::string role = u.role;
  if (!role.empty()) role[0] = static_cast<char>(std::toupper(role[0]));
  std::printf("%-6lld %-32s %-16s %-16s %-6s %-8s %-6s\n", static_cast<long long>(u.id),
              u.email.c_str(), u.first_name.c_str(), u.last_name.c_str(), role.c_str(),
              u.verified ? "True" : "False", u.banned ? "True" : "False");
}

void print_users(const std::vector<store::User>& users) {
  print_header();
  for (const auto& u : users) print_row(u);
}

// The CLI acts with an administrator's authority but is nobody: no self-checks apply.
services::Principal cli_actor() {
  services::Principal p;
  p.user.id = 0;
  p.user.role = store::kRoleAdmin;
  return p;
}

}  // namespace

std::unique_ptr<Components> open_components(const config::Settings& s) {
  auto built = build_components(s);
  if (!built) {
    // The cause names the variable and the reason (e.g. an unreadable JWT key file).
    const Error& e = built.error();
    std::fprintf(stderr, "gatehouse: %s\n", (e.cause.empty() ? e.public_message : e.cause).c_str());
    return nullptr;
  }
  if (Status m = (*built)->db->migrate(); !m) {
    std::fprintf(stderr, "gatehouse: database not ready: %s\n", m.error().cause.c_str());
    return nullptr;
  }
  return std::move(*built);
}

int user_create(const config::Settings& s, const CreateUserArgs& args) {
  const EmailCheck email = check_email(args.email);
  if (!email.normalized) return fail("adding User", "This email address is not valid");
  std::string password = args.password ? *args.password : read_hidden("Password: ");
  if (!args.password) {
    if (read_hidden("Repeat for confirmation: ") != password) {
      return fail("adding User", "the two passwords differ");
    }
  }
  if (args.first_name.empty() || args.last_name.empty() || password.empty()) {
    return fail("adding User", "You must supply all fields and they cannot be empty");
  }
  auto c = open_components(s);
  if (!c) return 1;
  auto created = c->users->create(
      {*email.normalized, password, args.first_name, args.last_name, args.admin, !args.force_weak});
  if (!created) return fail("adding User", created.error().public_message);
  std::printf("-> %sUser %s added successfully.\n", args.admin ? "Admin " : "",
              created->email.c_str());
  return 0;
}

int user_list(const config::Settings& s, const ListUsersArgs& args) {
  auto c = open_components(s);
  if (!c) return 1;
  if (args.page) {
    auto page = c->users->list(*args.page, args.size);
    if (!page) return fail("listing Users", page.error().public_message);
    if (page->total == 0) return fail("listing Users", "No Users found");
    if (page->items.empty()) {
      const std::int64_t last = (page->total + args.size - 1) / args.size;
      return fail("listing Users", "Page " + std::to_string(*args.page) +
                                       " is past the last page (" + std::to_string(last) + ")");
    }
    print_users(page->items);
    return 0;
  }
  // Every user, one page in memory at a time, printed as it arrives.
  std::int64_t after = 0;
  for (bool first = true;; first = false) {
    auto users = c->users->list_after(after, args.size);
    if (!users) return fail("listing Users", users.error().public_message);
    if (users->empty()) {
      if (first) return fail("listing Users", "No Users found");
      return 0;
    }
    if (first) print_header();
    for (const auto& u : *users) print_row(u);
    std::fflush(stdout);
    after = users->back().id;
  }
}

int user_show(const config::Settings& s, std::int64_t id) {
  auto c = open_components(s);
  if (!c) return 1;
  auto u = c->users->get(id);
  if (!u) return fail("getting User details", u.error().public_message);
  print_users({*u});
  return 0;
}

int user_verify(const config::Settings& s, std::int64_t id) {
  auto c = open_components(s);
  if (!c) return 1;
  if (Status st = c->users->verify(id); !st) {
    return fail("verifying User", st.error().is(ErrorCode::kUserNotFound)
                                      ? "User not found"
                                      : st.error().public_message);
  }
  std::printf("-> User %lld verified successfully.\n", static_cast<long long>(id));
  return 0;
}

int user_mfa_reset(const config::Settings& s, std::int64_t id) {
  auto c = open_components(s);
  if (!c) return 1;
  if (Status st = c->mfa->reset(id); !st) {
    return fail("turning off two-factor authentication", st.error().is(ErrorCode::kUserNotFound)
                                                             ? "User not found"
                                                             : st.error().public_message);
  }
  std::printf("-> Two-factor authentication is off for User %lld; their sessions are ended.\n",
              static_cast<long long>(id));
  return 0;
}

int user_ban(const config::Settings& s, std::int64_t id, bool unban) {
  auto c = open_components(s);
  if (!c) return 1;
  Status st = unban ? c->users->unban(cli_actor(), id) : c->users->ban(cli_actor(), id, {});
  if (!st) return fail(unban ? "unbanning User" : "banning User", st.error().public_message);
  std::printf("-> User %lld %s successfully.\n", static_cast<long long>(id),
              unban ? "UNBANNED" : "BANNED");
  return 0;
}

int user_admin(const config::Settings& s, std::int64_t id, bool remove) {
  auto c = open_components(s);
  if (!c) return 1;
  Status st = remove ? c->users->remove_admin(id) : c->users->make_admin(id);
  if (!st) return fail("changing admin status", st.error().public_message);
  std::printf("-> Admin status %s User %lld successfully.\n",
              remove ? "removed from" : "granted to", static_cast<long long>(id));
  return 0;
}

int user_delete(const config::Settings& s, std::int64_t id) {
  auto c = open_components(s);
  if (!c) return 1;
  if (Status st = c->users->remove(id); !st) {
    return fail("deleting that User", st.error().public_message);
  }
  std::printf("-> User %lld DELETED successfully.\n", static_cast<long long>(id));
  return 0;
}

int user_search(const config::Settings& s, const std::string& term, const std::string& field,
                bool exact) {
  auto c = open_components(s);
  if (!c) return 1;
  store::UserSearch q{term, store::UserSearch::Field::kAll, exact};
  if (field == "email") q.field = store::UserSearch::Field::kEmail;
  if (field == "first_name") q.field = store::UserSearch::Field::kFirstName;
  if (field == "last_name") q.field = store::UserSearch::Field::kLastName;
  auto page = c->users->search(q, 1, 1000);
  if (!page) return fail("searching Users", page.error().public_message);
  if (page->items.empty()) {
    std::printf("-> No users found matching '%s'\n", term.c_str());
    return 0;
  }
  std::printf("Users matching '%s' in %s (%s match)\n", term.c_str(),
              field == "all" ? "all fields" : field.c_str(), exact ? "exact" : "partial");
  print_users(page->items);
  return 0;
}

int keys_secret(bool write_env) {
  const std::string key = crypto::random_hex(32);
  std::printf("Random SECRET_KEY : %s\n", key.c_str());
  if (!write_env) {
    std::printf("Add/modify the SECRET_KEY in the .env file to use this key.\n");
    return 0;
  }
  std::ifstream in(".env");
  std::stringstream kept;
  bool replaced = false;
  if (!in) std::printf("Warning: .env file not found, creating new one\n");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("SECRET_KEY=", 0) == 0) {
      kept << "SECRET_KEY=" << key << "\n";
      replaced = true;
    } else {
      kept << line << "\n";
    }
  }
  if (!replaced) kept << "SECRET_KEY=" << key << "\n";
  in.close();
  std::ofstream out(".env", std::ios::trunc);
  if (!out) {
    std::fprintf(stderr, "gatehouse: cannot write .env\n");
    return 1;
  }
  out << kept.str();
  std::printf("Successfully updated SECRET_KEY in .env file\n");
  return 0;
}

}  // namespace gatehouse::app
