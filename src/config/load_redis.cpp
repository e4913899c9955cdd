// Loader of the Redis settings: REDIS_URL, or the reference's REDIS_* variables.
#include "config/sections.hpp"
#include "config/urls.hpp"

namespace gatehouse::config::detail {

void load_redis(VariableReader& r, RedisSettings& s) {
  r.read_bool("REDIS_ENABLED", s.enabled);
  r.read_string("REDIS_HOST", s.host);
  r.read_int("REDIS_PORT", 1, 65535, s.port);
  r.read_string("REDIS_PASSWORD", s.password);
  r.read_int("REDIS_DB", 0, 15, s.db);
  r.read_bool("ENFORCE_REDIS_PASSWORD", s.enforce_password);

  if (r.has_value("REDIS_URL")) {
    // REDIS_URL wins over REDIS_HOST/PORT/PASSWORD/DB and implies REDIS_ENABLED.
    const std::string& raw = *r.find("REDIS_URL");
    RedisUrl url = parse_redis_url(raw);
    if (!url.error.empty()) {
      r.error(std::move(url.error));
      return;
    }
    s.enabled = true;
    s.url = raw;
    s.host = std::move(url.host);
    s.port = url.port;
    s.password = std::move(url.password);
    s.db = url.db;
  } else {
    if (s.host.empty()) r.error("REDIS_HOST: must not be empty");
    s.url = build_redis_url(s);
  }

  if (!s.enabled || !s.password.empty()) return;
  if (s.enforce_password) {
    r.error(
        "REDIS_PASSWORD: must be set when Redis is enabled and ENFORCE_REDIS_PASSWORD=true "
        "(or put the password in REDIS_URL)");
  } else {
    r.warning(
        "Redis is enabled without a password (REDIS_PASSWORD). Make sure it is reachable only "
        "from a trusted network, or set ENFORCE_REDIS_PASSWORD=true to require one.");
  }
}

}  // namespace gatehouse::config::detail
