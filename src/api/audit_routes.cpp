// GET /audit-log/ (docs/audit-and-webhooks.md): the audit events, newest first, for admins.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/access.hpp"
#include "api/query_reader.hpp"
#include "api/responses.hpp"
#include "api/routes.hpp"
#include "http/json_text.hpp"
#include "services/audit_log.hpp"
#include "services/scopes.hpp"

namespace gatehouse::api {

namespace {

namespace json = boost::json;
using http::Request;
using http::Response;

const FieldSet kAuditQuery{
    .fields = {{.name = "user_id",
                .type = FieldType::kInteger,
                .description = "Events this user did (actor) or that concern them (subject)."},
               {.name = "action",
                .max_length = 64,
                .description = "One action name, e.g. user.login (an unknown name: 422)."},
               {.name = "since",
                .type = FieldType::kDateTime,
                .description = "Events at or after this time (ISO-8601 with a time zone)."},
               {.name = "until",
                .type = FieldType::kDateTime,
                .description = "Events at or before this time; not before `since`."},
               {.name = "page",
                .type = FieldType::kInteger,
                .minimum = 1,
                .maximum = 1000000,
                .fallback = "1"},
               {.name = "size",
                .type = FieldType::kInteger,
                .minimum = 1,
                .maximum = 100,
                .fallback = "50"}}};

json::value optional_id(const std::optional<std::int64_t>& id) {
  return id ? json::value(*id) : json::value(nullptr);
}

// Valid UTF-8 whatever was stored (a User-Agent of a release that stored it raw).
json::value text_or_null(const std::string& text) {
  return text.empty() ? json::value(nullptr) : json::value(http::valid_utf8(text));
}

json::object event_json(const store::AuditEvent& e) {
  json::error_code ec;
  json::value details = json::parse(e.details, ec);
  if (ec || !details.is_object()) details = json::object();
  return {{"id", e.id},
          {"at", store::format_iso8601(e.at)},
          {"actor_id", optional_id(e.actor_id)},
          {"action", e.action},
          {"target_type", text_or_null(e.target_type)},
          {"target_id", text_or_null(e.target_id)},
          {"user_id", optional_id(e.subject_user_id)},
          {"ip", text_or_null(e.ip)},
          {"user_agent", text_or_null(e.user_agent)},
          {"outcome", e.outcome},
          {"details", std::move(details)},
          {"request_id", text_or_null(e.request_id)}};
}

bool known_action(std::string_view name) {
  const auto& names = services::audit_action::all();
  return std::find(names.begin(), names.end(), name) != names.end();
}

Result<Response> audit_log(const ApiContext& ctx, Request& req) {
  QueryReader q(req);
  store::AuditQuery query;
  query.user_id = q.optional_integer("user_id");
  query.action = q.optional_string("action");
  query.since = q.optional_datetime("since");
  query.until = q.optional_datetime("until");
  const int page = static_cast<int>(q.integer("page"));
  const int size = static_cast<int>(q.integer("size"));
  if (query.action && !known_action(*query.action)) {
    q.value_error("action", "unknown action; see the audit action names");
  }
  // Both backends store years 1..9999; outside 1970..9999 a filter means nothing anyway.
  const auto in_range = [](const std::optional<store::Timestamp>& t) {
    constexpr auto kEnd = std::chrono::sys_days(std::chrono::year{10000} / 1 / 1);
    return !t || (*t >= store::Timestamp{} && *t < kEnd);
  };
  if (!in_range(query.since)) q.value_error("since", "since must be between 1970 and 9999");
  if (!in_range(query.until)) q.value_error("until", "until must be between 1970 and 9999");
  if (query.since && query.until && *query.since > *query.until) {
    q.value_error("until", "until must not be before since");
  }
  if (Status s = q.finish(); !s) return s.error();
  auto result = ctx.audit.search(query, page, size);
  if (!result) return result.error();
  json::array items;
  items.reserve(result->items.size());
  for (const store::AuditEvent& e : result->items) items.emplace_back(event_json(e));
  const std::int64_t pages = result->total == 0 ? 0 : (result->total + size - 1) / size;
  return json_no_store(200, json::serialize(json::object{{"items", std::move(items)},
                                                         {"total", result->total},
                                                         {"page", page},
                                                         {"size", size},
                                                         {"pages", pages}}));
}

}  // namespace

void register_audit_routes(http::Router& router, const ApiContext& ctx) {
  const Access admin_read{.audience = Audience::kAdmin, .scope = services::kScopeAdminRead};
  add_protected(router, ctx, "GET", ctx.settings.api_root + "/audit-log/", admin_read,
                {.tag = "Audit log",
                 .summary = "Audit events, newest first",
                 .query = &kAuditQuery,
                 .replies = {{200, "A page of audit events", "AuditEventPage"}}},
                [&ctx](Request& r, const services::Principal&) { return audit_log(ctx, r); });
}

}  // namespace gatehouse::api
