// Declarations of the Redis settings: REDIS_URL, or the reference's REDIS_* variables.
#include "config/sections.hpp"
#include "config/urls.hpp"

namespace gatehouse::config::detail {

namespace {

// REDIS_URL wins over REDIS_HOST/PORT/PASSWORD/DB and implies REDIS_ENABLED.
void read_redis_url(VariableReader& r, Settings& settings) {
  RedisSettings& s = settings.redis;
  if (r.has_value("REDIS_URL")) {
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

}  // namespace

SettingGroup redis_group() {
  const Section<RedisSettings> v(&Settings::redis);
  return {"Redis",
          {
              v.flag("REDIS_ENABLED", &RedisSettings::enabled,
                     "keep the shared state (rate limits, revocations, cache) in Redis "
                     "(see scaling.md); implied by `REDIS_URL`"),
              v.by_rule("REDIS_URL", &RedisSettings::url, "`redis://[:password@]host[:port][/db]`",
                        "wins over `REDIS_HOST`/`PORT`/`PASSWORD`/`DB`; `rediss://` (TLS) is "
                        "refused")
                  .url_with_password()
                  .default_is("built from `REDIS_HOST`/`PORT`/`PASSWORD`/`DB`"),
              v.text("REDIS_HOST", &RedisSettings::host, "Redis host; must not be empty"),
              v.integer("REDIS_PORT", &RedisSettings::port, 1, 65535, "Redis port"),
              v.text("REDIS_PASSWORD", &RedisSettings::password, "Redis password").secret(),
              v.integer("REDIS_DB", &RedisSettings::db, 0, 15, "Redis database number"),
              v.flag("ENFORCE_REDIS_PASSWORD", &RedisSettings::enforce_password,
                     "refuse Redis without a password (otherwise a warning)"),
          },
          read_redis_url};
}

}  // namespace gatehouse::config::detail
