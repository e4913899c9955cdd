#include "app/components.hpp"

#include <fstream>
#include <sstream>

#include "app/database_factory.hpp"

namespace gatehouse::app {

namespace {

Result<std::string> read_key_file(const std::string& variable, const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::bad_request(variable + ": cannot read \"" + path + "\"");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<crypto::JwtSettings> jwt_settings(const config::Settings& s) {
  crypto::JwtSettings j;
  j.algorithm = s.auth.jwt_algorithm;
  j.secret = s.secret_key;
  j.previous_secrets = s.auth.previous_secret_keys;
  j.issuer = s.auth.jwt_issuer;
  if (j.algorithm != "HS256") {
    auto key = read_key_file("JWT_PRIVATE_KEY_FILE", s.auth.jwt_private_key_file);
    if (!key) return key.error();
    j.private_key_pem = *key;
    for (const auto& f : s.auth.jwt_previous_public_key_files) {
      auto pub = read_key_file("JWT_PREVIOUS_PUBLIC_KEY_FILES", f);
      if (!pub) return pub.error();
      j.public_keys_pem.push_back(*pub);
    }
  }
  return j;
}

}  // namespace

Components::~Components() {
  if (mail_worker) mail_worker->stop();
}

crypto::HashSettings hash_settings(const config::AuthSettings& auth) {
  crypto::HashSettings h;
  h.algorithm = auth.password_hash == "bcrypt" ? crypto::HashSettings::Algorithm::kBcrypt
                                               : crypto::HashSettings::Algorithm::kArgon2id;
  h.argon2_memory_kib = static_cast<std::uint32_t>(auth.argon2_memory_kib);
  h.argon2_iterations = static_cast<std::uint32_t>(auth.argon2_iterations);
  h.bcrypt_rounds = auth.bcrypt_rounds;
  return h;
}

Result<std::unique_ptr<Components>> build_components(const config::Settings& s) {
  auto c = std::make_unique<Components>(s);
  c->db = make_database(s.database);
  c->health = std::make_unique<services::HealthService>(*c->db, s.database.auto_migrate);
  c->hasher = std::make_unique<crypto::PasswordHasher>(hash_settings(s.auth));
  c->hashes =
      std::make_unique<services::HashPool>(*c->hasher, s.auth.hash_threads, s.auth.hash_queue_size);
  auto jwt_config = jwt_settings(s);
  if (!jwt_config) return jwt_config.error();
  auto codec = crypto::JwtCodec::create(*jwt_config);
  if (!codec) return codec.error();
  c->jwt = std::make_unique<crypto::JwtCodec>(std::move(*codec));
  c->tokens = std::make_unique<services::TokenIssuer>(*c->jwt, s, store::now_utc);
  c->revocations = std::make_unique<kv::MemoryRevocationList>();
  c->rate_limiter = std::make_unique<kv::MemoryRateLimiter>();
  c->limits = std::make_unique<api::RateLimits>(s, *c->rate_limiter);
  auto composer = mail::Composer::create(mail::composer_options(s));
  if (!composer) return composer.error();
  c->composer = std::make_unique<mail::Composer>(std::move(*composer));
  c->sender = mail::make_mail_sender(s.mail);
  c->mail_worker = std::make_unique<mail::OutboxWorker>(c->db->outbox(), *c->sender);
  c->mailer = std::make_unique<mail::Mailer>(c->db->outbox(), store::now_utc,
                                             [w = c->mail_worker.get()] { w->notify(); });
  c->notifier = std::make_unique<services::MailNotifier>(*c->composer, *c->mailer, store::now_utc);
  c->auth = std::make_unique<services::AuthService>(s, *c->db, *c->hashes, *c->tokens,
                                                    *c->revocations, *c->notifier);
  c->users = std::make_unique<services::UserService>(*c->db, *c->auth, *c->hashes, *c->notifier);
  return c;
}

}  // namespace gatehouse::app
