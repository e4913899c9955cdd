#include "app/audit_commands.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "app/components.hpp"
#include "app/user_commands.hpp"
#include "store/time.hpp"
#include "webhooks/delivery_worker.hpp"
#include "webhooks/webhook_poster.hpp"

namespace gatehouse::app {

namespace {

int fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "-> ERROR %s : %s\n", what, detail.c_str());
  return 1;
}

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

std::string id_or_dash(const std::optional<std::int64_t>& id) {
  return id ? std::to_string(*id) : "-";
}

void print_event_header() {
  std::printf("%-8s %-27s %-24s %-7s %-6s %-6s %-24s %-15s %s\n", "Id", "At", "Action", "Outcome",
              "Actor", "User", "Target", "IP", "Details");
}

void print_event(const store::AuditEvent& e) {
  const std::string target = e.target_type.empty() ? "-" : e.target_type + ":" + e.target_id;
  std::printf("%-8lld %-27s %-24s %-7s %-6s %-6s %-24s %-15s %s\n", static_cast<long long>(e.id),
              store::format_iso8601(e.at).c_str(), e.action.c_str(), e.outcome.c_str(),
              id_or_dash(e.actor_id).c_str(), id_or_dash(e.subject_user_id).c_str(), target.c_str(),
              or_dash(e.ip).c_str(), e.details.c_str());
}

std::optional<store::Timestamp> parse_time(const std::optional<std::string>& text, const char* name,
                                           std::string* problem) {
  if (!text) return std::nullopt;
  auto at = store::parse_iso8601(*text);
  if (!at) *problem = std::string(name) + " must be an ISO-8601 date and time with a time zone";
  return at;
}

volatile std::sig_atomic_t g_interrupted = 0;

}  // namespace

int audit_list(const config::Settings& s, const AuditListArgs& args) {
  constexpr const char* kWhat = "listing audit events";
  store::AuditQuery q;
  q.user_id = args.user_id;
  q.action = args.action;
  std::string problem;
  q.since = parse_time(args.since, "--since", &problem);
  q.until = parse_time(args.until, "--until", &problem);
  if (!problem.empty()) return fail(kWhat, problem);
  if (q.action) {
    const auto& names = services::audit_action::all();
    if (std::find(names.begin(), names.end(), *q.action) == names.end()) {
      return fail(kWhat, "unknown action " + *q.action);
    }
  }
  if (q.since && q.until && *q.since > *q.until) return fail(kWhat, "--since is after --until");
  auto c = open_components(s);
  if (!c) return 1;
  auto page = c->audit->search(q, 1, args.limit);
  if (!page) return fail(kWhat, page.error().public_message);
  print_event_header();
  for (const auto& e : page->items) print_event(e);
  return 0;
}

int audit_tail(const config::Settings& s, int limit, bool follow) {
  constexpr const char* kWhat = "following audit events";
  auto c = open_components(s);
  if (!c) return 1;
  // The last `limit` events: the newest page, printed oldest first.
  auto newest = c->audit->search({}, 1, limit);
  if (!newest) return fail(kWhat, newest.error().public_message);
  std::reverse(newest->items.begin(), newest->items.end());
  print_event_header();
  std::int64_t after = 0;
  for (const auto& e : newest->items) {
    print_event(e);
    after = e.id;
  }
  std::fflush(stdout);
  if (!follow) return 0;
  std::signal(SIGINT, [](int) { g_interrupted = 1; });
  std::signal(SIGTERM, [](int) { g_interrupted = 1; });
  while (g_interrupted == 0) {
    auto more = c->audit->after(after, 500);
    if (!more) return fail(kWhat, more.error().public_message);
    for (const auto& e : *more) {
      print_event(e);
      after = e.id;
    }
    std::fflush(stdout);
    if (more->size() < 500) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return 0;
}

int webhooks_list(const config::Settings& s, bool failed, int limit) {
  auto c = open_components(s);
  if (!c) return 1;
  auto rows = c->audit->deliveries(failed, limit);
  if (!rows) return fail("listing webhook deliveries", rows.error().public_message);
  std::printf("%-8s %-10s %-27s %-8s %-41s %-24s %s\n", "Id", "State", "Created", "Attempts",
              "Webhook id", "Endpoint host", "Last error");
  for (const auto& m : *rows) {
    const char* state = m.sent_at ? "delivered" : (m.given_up_at ? "failed" : "pending");
    const auto delivery = webhooks::read_delivery(m.payload);
    // The host only: a URL may carry credentials or a token in its path.
    std::printf("%-8lld %-10s %-27s %-8d %-41s %-24s %s\n", static_cast<long long>(m.id), state,
                store::format_iso8601(m.created_at).c_str(), m.attempts,
                or_dash(delivery ? delivery->id : "").c_str(),
                webhooks::endpoint_host(m.endpoint).c_str(), or_dash(m.last_error).c_str());
  }
  return 0;
}

int webhooks_retry(const config::Settings& s, std::int64_t id) {
  auto c = open_components(s);
  if (!c) return 1;
  if (Status st = c->audit->retry_delivery(id); !st) {
    return fail("retrying webhook delivery", st.error().public_message);
  }
  std::printf("Webhook delivery %lld queued again\n", static_cast<long long>(id));
  return 0;
}

}  // namespace gatehouse::app
