#include "webhooks/webhook_poster.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "webhooks/retry_schedule.hpp"

namespace gatehouse::webhooks {

namespace {

constexpr std::chrono::milliseconds kMaxConnectTimeout = std::chrono::seconds(5);

// curl_global_init is not thread-safe in every libcurl build: run it once, explicitly.
void init_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// What the callbacks learn about the answer.
struct Answer {
  std::size_t body_bytes = 0;
  std::size_t max_body_bytes = 0;
  bool cut = false;  // the body passed max_body_bytes: the exchange was ended on purpose
  std::optional<std::string> retry_after;
};

std::size_t on_body(char*, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  const std::size_t n = size * count;
  if (answer->body_bytes + n > answer->max_body_bytes) {
    answer->cut = true;
    return 0;  // ends the transfer with CURLE_WRITE_ERROR
  }
  answer->body_bytes += n;
  return n;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

// Called once per header line, status lines included (an interim 1xx answer has its own).
std::size_t on_header(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  const std::size_t n = size * count;
  std::string_view line(buffer, n);
  if (starts_with_ignoring_case(line, "HTTP/")) {
    answer->retry_after.reset();
  } else if (constexpr std::string_view kName = "retry-after:";
             starts_with_ignoring_case(line, kName)) {
    line.remove_prefix(kName.size());
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    answer->retry_after = std::string(line);
  }
  return n;
}

long milliseconds(std::chrono::milliseconds d) { return static_cast<long>(d.count()); }

}  // namespace

std::string PostResult::describe() const {
  return error.empty() ? "HTTP " + std::to_string(status) : error;
}

std::string endpoint_host(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "?";
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  return authority.empty() ? "?" : std::string(authority);
}

CurlPosterOptions curl_poster_options(const config::WebhookSettings& settings) {
  CurlPosterOptions o;
  o.timeout = std::chrono::seconds(settings.timeout_seconds);
  o.connect_timeout = std::min(o.timeout, kMaxConnectTimeout);
  return o;
}

CurlWebhookPoster::CurlWebhookPoster(CurlPosterOptions options, Clock clock)
    : options_(options), clock_(std::move(clock)) {
  init_curl();
}

PostResult CurlWebhookPoster::post(const PostRequest& request) {
  PostResult result;
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) {
    result.error = "curl_easy_init failed";
    return result;
  }
  CURL* c = easy.get();
  curl_slist* list = nullptr;
  for (const auto& [name, value] : request.headers) {
    std::string line = name;
    line.append(": ").append(value);
    curl_slist* grown = curl_slist_append(list, line.c_str());
    if (grown == nullptr) {
      curl_slist_free_all(list);
      result.error = "curl_slist_append failed";
      return result;
    }
    list = grown;
  }
  // No "Expect: 100-continue" round trip before larger bodies.
  std::unique_ptr<curl_slist, ListDeleter> headers(curl_slist_append(list, "Expect:"));
  if (!headers) {
    curl_slist_free_all(list);
    result.error = "curl_slist_append failed";
    return result;
  }

  Answer answer;
  answer.max_body_bytes = options_.max_response_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");     // ignore the *_proxy environment variables
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(options_.connect_timeout));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, milliseconds(options_.timeout));
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &answer);

  const CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && answer.cut && status != 0)) {
    result.status = static_cast<int>(status);
    if (answer.retry_after) result.retry_after = parse_retry_after(*answer.retry_after, clock_());
    return result;
  }
  // libcurl's messages name the host and port at most, never the path, headers or body.
  result.error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
  if (status != 0) result.error += " (after status " + std::to_string(status) + ")";
  result.error += " [curl " + std::to_string(static_cast<int>(rc)) + "]";
  return result;
}

}  // namespace gatehouse::webhooks
