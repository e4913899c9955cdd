// ApiKeyService against a real SQLite file with a controlled clock: the authentication
// order of docs/http-api.md §2 "API keys", the once-a-minute last_used_at throttle, expiry, and the
// creation rules.
#include <gtest/gtest.h>

#include "crypto/api_key_codec.hpp"
#include "services/api_key_service.hpp"
#include "temp_sqlite.hpp"

namespace gatehouse::services {
namespace {

using namespace std::chrono_literals;

class ApiKeyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.secret_key = std::string(64, 'k');
    db_ = gatehouse::testing::open_temp_sqlite(settings_, path_);
    now_ = *store::parse_iso8601("2030-06-01T12:00:00Z");
    audit_ = std::make_unique<AuditLog>(*db_, AuditOptions{}, [this] { return now_; });
    service_ = std::make_unique<ApiKeyService>(settings_, *db_, *audit_, [this] { return now_; });
    user_ = make_user("owner@example.com", store::kRoleUser);
  }

  void TearDown() override {
    service_.reset();
    db_.reset();
    gatehouse::testing::remove_temp_sqlite(path_);
  }

  store::User make_user(const std::string& email, const std::string& role) {
    store::NewUser nu;
    nu.email = email;
    nu.password_hash = "x";
    nu.first_name = "F";
    nu.last_name = "L";
    nu.role = role;
    nu.verified = true;
    auto u = db_->users().create(nu);
    EXPECT_TRUE(u);
    return u ? *u : store::User{};
  }

  CreatedKey create(NewKeyInput in = {"key", std::nullopt, std::nullopt}) {
    auto k = service_->create(user_, in);
    EXPECT_TRUE(k) << (k ? "" : k.error().public_message);
    return k ? *k : CreatedKey{};
  }

  std::optional<store::Timestamp> last_used(const std::string& id) {
    auto k = db_->api_keys().find_by_id(id);
    EXPECT_TRUE(k && k->has_value());
    return (k && *k) ? (*k)->last_used_at : std::nullopt;
  }

  std::string detail(const Result<Principal>& r) { return r ? "ok" : r.error().public_message; }

  std::string path_ = gatehouse::testing::temp_db_path("gatehouse-keys-");
  config::Settings settings_;
  store::DatabasePtr db_;
  store::Timestamp now_{};
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<ApiKeyService> service_;
  store::User user_;
};

TEST_F(ApiKeyServiceTest, CreateStoresOnlyTheHmacAndAuthenticates) {
  const CreatedKey k = create();
  EXPECT_EQ(k.raw.rfind("pk_", 0), 0u);
  EXPECT_EQ(k.key.key_hash, crypto::api_key_hash(settings_.secret_key, k.raw));
  EXPECT_EQ(k.raw.find(k.key.key_hash), std::string::npos);
  auto p = service_->authenticate(k.raw);
  ASSERT_TRUE(p) << detail(p);
  EXPECT_EQ(p->user.id, user_.id);
  EXPECT_EQ(p->api_key_id, k.key.id);
  EXPECT_TRUE(p->via_api_key());
  EXPECT_TRUE(p->session_id.empty());
  EXPECT_FALSE(p->scopes.has_value());
}

// A SECRET_KEY rotation (docs/decisions.md): a key stored under the old secret is found
// through PREVIOUS_SECRET_KEYS and re-keyed, so it outlives the rotation.
TEST_F(ApiKeyServiceTest, KeyUnderAPreviousSecretWorksAndIsReKeyed) {
  const CreatedKey k = create();
  const std::string old_secret = settings_.secret_key;
  settings_.secret_key = std::string(64, 'n');
  EXPECT_FALSE(service_->authenticate(k.raw)) << "without the previous secret";
  settings_.auth.previous_secret_keys = {std::string(64, 'x'), old_secret};
  auto p = service_->authenticate(k.raw);
  ASSERT_TRUE(p) << detail(p);
  EXPECT_EQ(p->api_key_id, k.key.id);
  auto stored = db_->api_keys().find_by_id(k.key.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->key_hash, crypto::api_key_hash(settings_.secret_key, k.raw));
  settings_.auth.previous_secret_keys.clear();
  EXPECT_TRUE(service_->authenticate(k.raw)) << "re-keyed: works after the rotation";
}

TEST_F(ApiKeyServiceTest, CreationRules) {
  EXPECT_EQ(service_->create(user_, {"", std::nullopt, std::nullopt}).error().public_message,
            kKeyNameLength);
  EXPECT_EQ(service_->create(user_, {std::string(51, 'n'), std::nullopt, std::nullopt})
                .error()
                .public_message,
            kKeyNameLength);
  EXPECT_TRUE(service_->create(user_, {std::string(50, 'n'), std::nullopt, std::nullopt}));
  EXPECT_TRUE(
      service_->create(user_, {"\xC3\xA9" + std::string(49, 'n'), std::nullopt, std::nullopt}))
      << "50 characters, 51 bytes";
  auto admin_scope = service_->create(user_, {"k", std::vector<std::string>{"admin:read"}, {}});
  ASSERT_FALSE(admin_scope);
  EXPECT_EQ(admin_scope.error().code, ErrorCode::kInvalidValue);
  auto unknown = service_->create(user_, {"k", std::vector<std::string>{"everything"}, {}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidValue);
  auto past = service_->create(user_, {"k", std::nullopt, now_});
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().public_message, kExpiryInThePast);
  auto gone = store::User{};
  gone.id = 999999;
  auto orphan = service_->create(gone, {"k", std::nullopt, std::nullopt});
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::kUserNotFound);

  const store::User admin = make_user("admin@example.com", store::kRoleAdmin);
  auto ok = service_->create(
      admin, {"k", std::vector<std::string>{"admin:read", "users:read", "admin:read"}, {}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->key.scopes, (std::vector<std::string>{"admin:read", "users:read"}));
  auto listed = service_->list(user_.id);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 2u) << "only the two valid creations of this user";
}

TEST_F(ApiKeyServiceTest, FailuresInTheReferencesOrder) {
  const CreatedKey k = create();
  EXPECT_EQ(detail(service_->authenticate("")), kInvalidApiKey);
  EXPECT_EQ(detail(service_->authenticate("pk")), kInvalidApiKey);
  EXPECT_EQ(detail(service_->authenticate("PK_" + k.raw.substr(3))), kInvalidApiKey);
  EXPECT_EQ(detail(service_->authenticate(k.raw + "x")), kInvalidApiKey);

  ASSERT_TRUE(service_->update(user_.id, k.key.id, {std::nullopt, false}));
  EXPECT_EQ(detail(service_->authenticate(k.raw)), kInactiveApiKey);
  ASSERT_TRUE(service_->update(user_.id, k.key.id, {std::nullopt, true}));
  EXPECT_EQ(detail(service_->authenticate(k.raw)), "ok");

  ASSERT_TRUE(db_->users().set_ban(user_.id, {true, std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(detail(service_->authenticate(k.raw)), kInvalidApiKey);
  ASSERT_TRUE(db_->users().set_ban(user_.id, {true, now_ + 1h, std::nullopt, std::nullopt}));
  EXPECT_EQ(detail(service_->authenticate(k.raw)), kInvalidApiKey) << "ban still running";
  now_ += 2h;
  EXPECT_EQ(detail(service_->authenticate(k.raw)), "ok") << "a time-limited ban has ended";
  ASSERT_TRUE(db_->users().set_ban(user_.id, {false, std::nullopt, std::nullopt, std::nullopt}));
  // A new address is unverified.
  ASSERT_TRUE(db_->users().update_profile(
      user_.id, {"moved-" + user_.email, user_.first_name, user_.last_name, {}}));
  EXPECT_EQ(detail(service_->authenticate(k.raw)), kInvalidApiKey) << "unverified";
}

TEST_F(ApiKeyServiceTest, AKeyExpiresAtItsExpiryTime) {
  const CreatedKey k = create({"k", std::nullopt, now_ + 10min});
  EXPECT_EQ(detail(service_->authenticate(k.raw)), "ok");
  now_ += 10min - 1us;
  EXPECT_EQ(detail(service_->authenticate(k.raw)), "ok");
  now_ += 1us;
  EXPECT_EQ(detail(service_->authenticate(k.raw)), kExpiredApiKey);
  ASSERT_TRUE(service_->update(user_.id, k.key.id, {std::nullopt, false}));
  EXPECT_EQ(detail(service_->authenticate(k.raw)), kInactiveApiKey) << "inactive comes first";
}

TEST_F(ApiKeyServiceTest, LastUsedIsThrottledToOneWritePerMinute) {
  const CreatedKey a = create();
  const CreatedKey b = create();
  EXPECT_FALSE(last_used(a.key.id).has_value());
  const auto t0 = now_;
  ASSERT_TRUE(service_->authenticate(a.raw));
  EXPECT_EQ(last_used(a.key.id), t0);
  now_ += 30s;
  ASSERT_TRUE(service_->authenticate(a.raw));
  EXPECT_EQ(last_used(a.key.id), t0) << "a second use within the minute writes nothing";
  ASSERT_TRUE(service_->authenticate(b.raw));
  EXPECT_EQ(last_used(b.key.id), now_) << "the throttle is per key";
  now_ += 30s;
  ASSERT_TRUE(service_->authenticate(a.raw));
  EXPECT_EQ(last_used(a.key.id), now_) << "a minute after the last write, one more write";
  const auto t1 = now_;
  now_ += 59s;
  ASSERT_TRUE(service_->authenticate(a.raw));
  EXPECT_EQ(last_used(a.key.id), t1);

  // The row is consulted too: a write by another process within the minute counts.
  const CreatedKey c = create();
  ASSERT_TRUE(db_->api_keys().touch_last_used(c.key.id, now_ - 10s));
  ASSERT_TRUE(service_->authenticate(c.raw));
  EXPECT_EQ(last_used(c.key.id), now_ - 10s);
}

TEST_F(ApiKeyServiceTest, OwnerOnlyReadsAndTheUpdateOrder) {
  const CreatedKey k = create();
  const store::User other = make_user("other@example.com", store::kRoleUser);
  EXPECT_EQ(service_->get(other.id, k.key.id).error().public_message, kApiKeyNotFound);
  EXPECT_EQ(service_->get(user_.id, "nope").error().public_message, kApiKeyNotFound);
  EXPECT_EQ(service_->update(other.id, k.key.id, {}).error().public_message, kApiKeyNotFound)
      << "404 before the empty-update 422";
  auto empty = service_->update(user_.id, k.key.id, {});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidValue);
  EXPECT_EQ(empty.error().public_message, kEmptyKeyUpdate);
  EXPECT_EQ(service_->remove(other.id, k.key.id).error().public_message, kApiKeyNotFound);
  EXPECT_TRUE(service_->get(user_.id, k.key.id)) << "still there";
  EXPECT_TRUE(service_->remove(user_.id, k.key.id));
  EXPECT_EQ(service_->revoke(k.key.id).error().public_message, kApiKeyNotFound);
  EXPECT_EQ(detail(service_->authenticate(k.raw)), kInvalidApiKey);
}

}  // namespace
}  // namespace gatehouse::services
