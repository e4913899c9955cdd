// Declarations of the WEBHOOK_* settings (docs/audit-and-webhooks.md).
#include <charconv>
#include <cmath>
#include <set>

#include "config/loader.hpp"
#include "config/sections.hpp"
#include "config/text.hpp"
#include "config/urls.hpp"
#include "config/values.hpp"
#include "config/webhook_secret.hpp"

namespace gatehouse::config::detail {

namespace {

constexpr int kMaxRetryDelaySeconds = 7 * 86400;
constexpr std::size_t kMaxRetryDelays = 50;
constexpr double kMaxGiveUpHours = 30 * 24;

// URLs may carry a token in their path or credentials: errors name the item's position and
// what is wrong, never the URL.
void http_urls(VariableReader& r, std::string_view name, const std::vector<std::string>& urls) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    const std::string where = std::string(name) + " (URL " + std::to_string(i + 1) + "): ";
    const std::string& url = urls[i];
    const auto parts = split_url(url);
    const std::string scheme = parts ? to_lower(parts->scheme) : std::string();
    if (scheme != "http" && scheme != "https") {
      r.error(where + "must start with http:// or https://");
    } else if (parts->host.empty()) {
      r.error(where + "has no host");
    } else if (url.find_first_of(" \t\r\n") != std::string::npos) {
      r.error(where + "must not contain blanks");
    } else if (const auto port = parse_integer(parts->port);
               !parts->port.empty() && (!port || *port < 1 || *port > 65535)) {
      r.error(where + "has an invalid port");
    } else if (!seen.insert(url).second) {
      r.error(where + "is listed twice");
    }
  }
}

void parse_urls(VariableReader& r, std::string_view name, const std::string& raw,
                WebhookSettings& s) {
  s.urls = split_list(raw);
  http_urls(r, name, s.urls);
}

// Each displayed with its password masked.
std::string show_urls(const WebhookSettings& s) {
  std::string out;
  for (const std::string& url : s.urls) out += (out.empty() ? "" : ",") + mask_url_password(url);
  return out;
}

// An empty value counts as not set.
void parse_retry_delays(VariableReader& r, std::string_view name, const std::string& raw,
                        WebhookSettings& s) {
  if (raw.empty()) return;
  std::vector<int> delays;
  for (const std::string& item : split_list(raw)) {
    const auto n = parse_integer(item);
    if (!n || *n < 1 || *n > kMaxRetryDelaySeconds) {
      r.invalid(name,
                "must be a comma list of seconds, each from 1 to " +
                    std::to_string(kMaxRetryDelaySeconds),
                raw);
      return;
    }
    delays.push_back(static_cast<int>(*n));
  }
  if (delays.empty() || delays.size() > kMaxRetryDelays) {
    r.invalid(name, "must list from 1 to " + std::to_string(kMaxRetryDelays) + " delays", raw);
    return;
  }
  s.retry_delays_seconds = std::move(delays);
}

std::string show_retry_delays(const WebhookSettings& s) {
  std::string out;
  for (int d : s.retry_delays_seconds) out += (out.empty() ? "" : ",") + std::to_string(d);
  return out;
}

// A decimal number of hours, fractions allowed ("0.01" = 36 s, for tests). An empty value
// counts as not set.
void parse_give_up(VariableReader& r, std::string_view name, const std::string& raw,
                   WebhookSettings& s) {
  if (raw.empty()) return;
  const std::string_view text = trim(raw);
  double hours = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), hours, std::chars_format::fixed);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(hours) ||
      hours * 3600 < 1 || hours > kMaxGiveUpHours) {
    r.invalid(name, "must be a number of hours from 0.0003 (1 s) to 720 (30 days)", raw);
    return;
  }
  s.give_up_hours = hours;
}

std::string show_give_up(const WebhookSettings& s) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, s.give_up_hours);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

// WEBHOOK_SECRET: required with WEBHOOK_URLS in every environment (deliveries nobody can
// verify are worthless, and there is no default a receiver could know). A set value is
// checked even without URLs. Production also refuses the specification's example secret.
void read_webhook_secret(VariableReader& r, Settings& settings) {
  WebhookSettings& s = settings.webhooks;
  if (!r.has_value("WEBHOOK_SECRET")) {
    if (s.enabled()) {
      r.error(
          "WEBHOOK_SECRET: must be set when WEBHOOK_URLS is set (whsec_ and the base64 of at "
          "least 24 random bytes: whsec_$(openssl rand -base64 32))");
    }
    return;
  }
  const std::string& secret = *r.find("WEBHOOK_SECRET");
  WebhookKey key = decode_webhook_secret("WEBHOOK_SECRET", secret);
  if (!key.problem.empty()) {
    r.error(std::move(key.problem));
    return;
  }
  if (is_example_webhook_secret(secret)) {
    if (settings.is_production()) {
      r.error(
          "WEBHOOK_SECRET: must not be the Standard Webhooks example secret in production "
          "(generate one: whsec_$(openssl rand -base64 32))");
      return;
    }
    r.warning("WEBHOOK_SECRET is the Standard Webhooks example secret: generate your own.");
  }
  s.secret = secret;
}

}  // namespace

SettingGroup webhooks_group() {
  const Section<WebhookSettings> w(&Settings::webhooks);
  return {
      "Webhooks",
      {
          w.custom("WEBHOOK_URLS", parse_urls, show_urls, "comma list of `http(s)://` URLs",
                   "endpoints that receive every event; empty = no webhooks. Shown with "
                   "passwords masked; errors name a URL by its position"),
          w.by_rule("WEBHOOK_SECRET", &WebhookSettings::secret, "`whsec_<base64>`, ≥ 24 key bytes",
                    "signs deliveries (Standard Webhooks); required with `WEBHOOK_URLS`; "
                    "production refuses the specification's example")
              .secret(),
          w.integer("WEBHOOK_TIMEOUT_SECONDS", &WebhookSettings::timeout_seconds, 1, 300,
                    "a delivery that takes longer (connection included) fails and is "
                    "retried; connecting alone may take 5 s at most"),
          w.custom("WEBHOOK_RETRY_DELAYS", parse_retry_delays, show_retry_delays,
                   "comma list of seconds",
                   "wait after the 1st, 2nd, … failed attempt; the last repeats. A "
                   "`Retry-After` of a 429 or 503 answer may lengthen a wait"),
          w.custom("WEBHOOK_GIVE_UP_HOURS", parse_give_up, show_give_up, "hours, fractions allowed",
                   "no retry later than this after the event; then the delivery is "
                   "given up (`gatehouse webhooks retry` sends it again)"),
      },
      read_webhook_secret};
}

}  // namespace gatehouse::config::detail
