// The WEBHOOK_* settings: defaults, parsing, the refusals at start (each naming its variable,
// none echoing the secret or a URL), and what `config check` shows.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "config/loader.hpp"

namespace gatehouse::config {
namespace {

constexpr const char* kSecret = "whsec_zrXeir0AUJcDdRbB8QB75FeM14fRHjIAosPJM6zHuIc=";
constexpr const char* kExampleSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class WebhookConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gh-webhook-config-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  LoadResult load(VariableMap env) {
    env["DATA_DIR"] = dir_ + "/data";
    env["SECRET_KEY"] = std::string(64, 'k') + "Z9";
    return load_settings(env, dir_ + "/.env");
  }
  LoadResult load_production(VariableMap env) {
    env["ENVIRONMENT"] = "production";
    return load(std::move(env));
  }
  static bool has(const std::vector<std::string>& messages, const std::string& fragment) {
    for (const auto& m : messages) {
      if (m.find(fragment) != std::string::npos) return true;
    }
    return false;
  }
  static std::string all(const LoadResult& r) {
    std::string out;
    for (const auto& m : r.errors) out += m + "\n";
    for (const auto& m : r.warnings) out += m + "\n";
    return out;
  }
  static std::string shown(const Settings& s, const std::string& name) {
    for (const auto& [n, v] : describe_settings(s)) {
      if (n == name) return v;
    }
    return "<not shown>";
  }
  std::string dir_;
};

TEST_F(WebhookConfig, OffByDefault) {
  const LoadResult r = load({});
  ASSERT_TRUE(r.ok()) << all(r);
  const WebhookSettings& w = r.settings.webhooks;
  EXPECT_FALSE(w.enabled());
  EXPECT_TRUE(w.urls.empty());
  EXPECT_TRUE(w.secret.empty());
  EXPECT_EQ(w.timeout_seconds, 10);
  EXPECT_EQ(w.retry_delays_seconds, (std::vector<int>{5, 30, 120, 600, 1800, 3600}));
  EXPECT_EQ(w.give_up_hours, 24);
  EXPECT_EQ(shown(r.settings, "WEBHOOK_URLS"), "");
  EXPECT_EQ(shown(r.settings, "WEBHOOK_SECRET"), "");
  EXPECT_EQ(shown(r.settings, "WEBHOOK_TIMEOUT_SECONDS"), "10");
  EXPECT_EQ(shown(r.settings, "WEBHOOK_RETRY_DELAYS"), "5,30,120,600,1800,3600");
  EXPECT_EQ(shown(r.settings, "WEBHOOK_GIVE_UP_HOURS"), "24");
}

TEST_F(WebhookConfig, UrlsAndSecret) {
  const LoadResult r =
      load({{"WEBHOOK_URLS", " https://a.example/hook , http://127.0.0.1:9000/in,"},
            {"WEBHOOK_SECRET", kSecret}});
  ASSERT_TRUE(r.ok()) << all(r);
  const WebhookSettings& w = r.settings.webhooks;
  EXPECT_TRUE(w.enabled());
  EXPECT_EQ(w.urls,
            (std::vector<std::string>{"https://a.example/hook", "http://127.0.0.1:9000/in"}));
  EXPECT_EQ(w.secret, kSecret);
  EXPECT_EQ(shown(r.settings, "WEBHOOK_SECRET"), "****");
  EXPECT_EQ(shown(r.settings, "WEBHOOK_URLS"), "https://a.example/hook,http://127.0.0.1:9000/in");
  EXPECT_FALSE(has(r.warnings, "WEBHOOK"));
}

TEST_F(WebhookConfig, UrlPasswordsAreMaskedInConfigCheck) {
  const LoadResult r =
      load({{"WEBHOOK_URLS", "https://bot:hunter2@a.example/hook,https://b.example/x"},
            {"WEBHOOK_SECRET", kSecret}});
  ASSERT_TRUE(r.ok()) << all(r);
  const std::string value = shown(r.settings, "WEBHOOK_URLS");
  EXPECT_EQ(value.find("hunter2"), std::string::npos) << value;
  EXPECT_NE(value.find("https://b.example/x"), std::string::npos) << value;
}

TEST_F(WebhookConfig, OnlyHttpAndHttpsUrlsNamedByPosition) {
  for (const auto& [urls, says] : std::vector<std::pair<std::string, std::string>>{
           {"ftp://a.example/x", "WEBHOOK_URLS (URL 1): must start with http:// or https://"},
           {"https://ok.example,a.example/hook?token=T0PSECRET",
            "WEBHOOK_URLS (URL 2): must start with http:// or https://"},
           {"file:///etc/passwd", "WEBHOOK_URLS (URL 1): must start with http"},
           {"https:///path", "WEBHOOK_URLS (URL 1): has no host"},
           {"https://a.example:99999/x", "WEBHOOK_URLS (URL 1): has an invalid port"},
           {"https://a.example:http/x", "WEBHOOK_URLS (URL 1): has an invalid port"},
           {"https://a.example/x,https://a.example/x", "WEBHOOK_URLS (URL 2): is listed twice"},
       }) {
    const LoadResult r = load({{"WEBHOOK_URLS", urls}, {"WEBHOOK_SECRET", kSecret}});
    EXPECT_TRUE(has(r.errors, says)) << urls << "\n" << all(r);
    EXPECT_FALSE(has(r.errors, "T0PSECRET")) << all(r);
  }
  // Upper-case schemes are schemes too.
  EXPECT_TRUE(load({{"WEBHOOK_URLS", "HTTPS://a.example/x"}, {"WEBHOOK_SECRET", kSecret}}).ok());
}

TEST_F(WebhookConfig, UrlsNeedASecretInEveryEnvironment) {
  LoadResult r = load({{"WEBHOOK_URLS", "https://a.example/hook"}});
  EXPECT_TRUE(has(r.errors, "WEBHOOK_SECRET: must be set when WEBHOOK_URLS is set")) << all(r);
  r = load_production({{"WEBHOOK_URLS", "https://a.example/hook"}});
  EXPECT_TRUE(has(r.errors, "WEBHOOK_SECRET: must be set when WEBHOOK_URLS is set")) << all(r);
  r = load({{"WEBHOOK_URLS", "https://a.example/hook"}, {"WEBHOOK_SECRET", ""}});
  EXPECT_TRUE(has(r.errors, "WEBHOOK_SECRET: must be set")) << all(r);
}

TEST_F(WebhookConfig, BadOrWeakSecretsAreRefusedWithoutEchoingThem) {
  for (const auto& [secret, says] : std::vector<std::pair<std::string, std::string>>{
           {"zrXeir0AUJcDdRbB8QB75FeM14fRHjIAosPJM6zHuIc=", "must start with \"whsec_\""},
           {"whsec_zrXeir0AUJcDdRbB8QB75FeM14fRHjIA*sPJM6zHuIc=", "not valid base64"},
           {"whsec_c2hvcnRzZWNyZXRzaG9ydA==", "at least 24 bytes (got 16)"},
       }) {
    for (bool production : {false, true}) {
      VariableMap env{{"WEBHOOK_URLS", "https://a.example/hook"}, {"WEBHOOK_SECRET", secret}};
      const LoadResult r = production ? load_production(env) : load(env);
      EXPECT_TRUE(has(r.errors, "WEBHOOK_SECRET: ")) << secret << "\n" << all(r);
      EXPECT_TRUE(has(r.errors, says)) << secret << "\n" << all(r);
      EXPECT_FALSE(has(r.errors, secret.substr(8, 12))) << all(r);
    }
  }
  // Checked even when no URL is set yet.
  EXPECT_TRUE(has(load({{"WEBHOOK_SECRET", "whsec_c2hvcnQ="}}).errors, "WEBHOOK_SECRET: "));
}

TEST_F(WebhookConfig, TheSpecificationsExampleSecretIsRefusedInProduction) {
  VariableMap env{{"WEBHOOK_URLS", "https://a.example/hook"}, {"WEBHOOK_SECRET", kExampleSecret}};
  LoadResult r = load_production(env);
  EXPECT_TRUE(has(r.errors, "WEBHOOK_SECRET: must not be the Standard Webhooks example secret"))
      << all(r);
  EXPECT_FALSE(has(r.errors, "MfKQ9r8G")) << all(r);
  r = load(env);
  EXPECT_TRUE(r.ok()) << all(r);
  EXPECT_TRUE(has(r.warnings, "WEBHOOK_SECRET is the Standard Webhooks example secret"));
}

TEST_F(WebhookConfig, Timeout) {
  EXPECT_EQ(load({{"WEBHOOK_TIMEOUT_SECONDS", "3"}}).settings.webhooks.timeout_seconds, 3);
  for (const char* bad : {"0", "301", "ten", "1.5"}) {
    EXPECT_TRUE(has(load({{"WEBHOOK_TIMEOUT_SECONDS", bad}}).errors,
                    "WEBHOOK_TIMEOUT_SECONDS: must be an integer from 1 to 300"))
        << bad;
  }
}

TEST_F(WebhookConfig, RetryDelays) {
  LoadResult r = load({{"WEBHOOK_RETRY_DELAYS", " 1, 2 ,60,"}});
  ASSERT_TRUE(r.ok()) << all(r);
  EXPECT_EQ(r.settings.webhooks.retry_delays_seconds, (std::vector<int>{1, 2, 60}));
  EXPECT_EQ(shown(r.settings, "WEBHOOK_RETRY_DELAYS"), "1,2,60");
  EXPECT_EQ(load({{"WEBHOOK_RETRY_DELAYS", ""}}).settings.webhooks.retry_delays_seconds.size(), 6u);
  for (const char* bad : {"5,0", "5,-1", "5,1m", "604801", ",", "1.5"}) {
    r = load({{"WEBHOOK_RETRY_DELAYS", bad}});
    EXPECT_TRUE(has(r.errors, "WEBHOOK_RETRY_DELAYS: must")) << bad << "\n" << all(r);
  }
  std::string many;
  for (int i = 0; i < 51; ++i) many += "1,";
  EXPECT_TRUE(has(load({{"WEBHOOK_RETRY_DELAYS", many}}).errors, "from 1 to 50 delays"));
}

TEST_F(WebhookConfig, GiveUpHoursTakeFractions) {
  LoadResult r = load({{"WEBHOOK_GIVE_UP_HOURS", "0.002"}});
  ASSERT_TRUE(r.ok()) << all(r);
  EXPECT_DOUBLE_EQ(r.settings.webhooks.give_up_hours, 0.002);
  EXPECT_EQ(shown(r.settings, "WEBHOOK_GIVE_UP_HOURS"), "0.002");
  EXPECT_EQ(load({{"WEBHOOK_GIVE_UP_HOURS", " 48 "}}).settings.webhooks.give_up_hours, 48);
  EXPECT_EQ(load({{"WEBHOOK_GIVE_UP_HOURS", "720"}}).settings.webhooks.give_up_hours, 720);
  for (const char* bad : {"0", "0.0001", "-1", "721", "1e3", "nan", "inf", "24h", "1,5"}) {
    EXPECT_TRUE(has(load({{"WEBHOOK_GIVE_UP_HOURS", bad}}).errors, "WEBHOOK_GIVE_UP_HOURS: must"))
        << bad;
  }
}

}  // namespace
}  // namespace gatehouse::config
