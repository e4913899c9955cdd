#include "mail/smtp_sender.hpp"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>

#include <fmt/core.h>

namespace gatehouse::mail {

namespace {

// curl_global_init is not thread-safe in every libcurl build: run it once, explicitly.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, up->data.size() - up->offset);
  std::memcpy(buffer, up->data.data() + up->offset, n);
  up->offset += n;
  return n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// Defence in depth: libcurl does not put credentials in its messages, but a password that
// somehow appears is masked before the text reaches an Error (and so the logs).
std::string without_secret(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "***");
    pos += 3;
  }
  return text;
}

}  // namespace

SmtpOptions smtp_options(const config::MailSettings& settings) {
  SmtpOptions o;
  o.server = settings.server;
  o.port = settings.port;
  o.starttls = settings.starttls;
  o.ssl_tls = settings.ssl_tls;
  if (settings.use_credentials && !settings.username.empty()) {
    o.username = settings.username;
    o.password = settings.password;
  }
  o.validate_certs = settings.validate_certs;
  o.from = {settings.from, settings.from_name};
  return o;
}

SmtpSender::SmtpSender(SmtpOptions options, Clock clock)
    : options_(std::move(options)), clock_(std::move(clock)) {
  init_curl_once();
}

SmtpSender::SmtpSender(const config::MailSettings& settings, Clock clock)
    : SmtpSender(smtp_options(settings), std::move(clock)) {}

std::string SmtpSender::url() const {
  const bool ipv6 = options_.server.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}", options_.ssl_tls ? "smtps" : "smtp", ipv6 ? "[" : "",
                     options_.server, ipv6 ? "]" : "", options_.port);
}

Status SmtpSender::send(const EmailMessage& message) {
  if (!valid_address(options_.from.address)) {
    return Error::invalid_input("MAIL_FROM is not a valid address");
  }
  auto mime =
      build_mime_message(message, options_.from, clock_(), new_message_id(options_.from.address));
  if (!mime) return mime.error();

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Error::internal("curl_easy_init failed");
  CURL* c = curl.get();
  std::unique_ptr<curl_slist, SlistDeleter> rcpt(
      curl_slist_append(nullptr, ("<" + message.to_address + ">").c_str()));
  if (!rcpt) return Error::internal("curl_slist_append failed");
  Upload upload{*mime};
  char error_buffer[CURL_ERROR_SIZE] = {};
  const std::string url_text = url();
  const std::string from = "<" + options_.from.address + ">";

  curl_easy_setopt(c, CURLOPT_URL, url_text.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::chrono::milliseconds(options_.connect_timeout).count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::chrono::milliseconds(options_.timeout).count()));
  if (!options_.ssl_tls) {
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     static_cast<long>(options_.starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  }
  if (!options_.validate_certs) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!options_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime->size()));

  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return ok();

  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
  std::string cause = without_secret(fmt::format("SMTP {} failed: {} (curl {}, reply {})", url_text,
                                                 detail, static_cast<int>(rc), reply),
                                     options_.password);
  // Every SMTP failure is retried, 5xx included: a refused login or sender is a setting an
  // operator fixes, and the worker's 24 h schedule bounds the cost of a hopeless recipient.
  return Error::unavailable("Email delivery failed", std::move(cause));
}

}  // namespace gatehouse::mail
