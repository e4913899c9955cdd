#pragma once
// WebhookPoster: one HTTP POST of a delivery, and its outcome. The worker owns the retry
// policy; the poster only reports what happened.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/settings.hpp"
#include "webhooks/clock.hpp"

namespace gatehouse::webhooks {

struct PostRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;
};

struct PostResult {
  // The answer's status code; 0 when none arrived whole (see `error`).
  int status = 0;
  // Retry-After of the answer (any status), parsed with parse_retry_after; the worker honours
  // it on 429 and 503 only.
  std::optional<std::chrono::seconds> retry_after;
  // Why no complete answer arrived (timeout, connection refused, closed mid-response, …);
  // empty when one did. Never contains the request's headers or body.
  std::string error;

  bool delivered() const { return error.empty() && status >= 200 && status < 300; }
  // "HTTP 500", or the transport error: what is logged and stored as the last error.
  std::string describe() const;
};

// "host[:port]" of an http(s) URL, what the logs name an endpoint by: the path, query and
// credentials may hold a token, so they are left out. "?" when there is no host.
std::string endpoint_host(std::string_view url);

class WebhookPoster {
 public:
  virtual ~WebhookPoster() = default;
  // Must return within the poster's timeout. Safe to call from several threads at once.
  virtual PostResult post(const PostRequest& request) = 0;
};

using WebhookPosterPtr = std::unique_ptr<WebhookPoster>;

struct CurlPosterOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // the whole exchange
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  std::size_t max_response_bytes =
      std::size_t{64} * 1024;  // read and discarded; a longer answer is cut
};

// WEBHOOK_TIMEOUT_SECONDS as the total; connecting may take min(5 s, total).
CurlPosterOptions curl_poster_options(const config::WebhookSettings& settings);

// POSTs with libcurl (one easy handle per call):
//   - http and https only, redirects not followed (a 3xx is a failure, retried like a 5xx);
//   - certificates verified (the system's CA store);
//   - no proxy: the http_proxy/https_proxy/all_proxy environment variables are ignored, so a
//     delivery goes to the configured host and nowhere else;
//   - the answer's body is read up to max_response_bytes and discarded: a longer one ends the
//     exchange early, and its status still counts;
//   - an answer cut short (fewer bytes than its Content-Length, or a broken chunked body) is a
//     failure even when its status was 2xx: the receiver's outcome is unknown, so it is sent
//     again (delivery is at least once).
class CurlWebhookPoster final : public WebhookPoster {
 public:
  explicit CurlWebhookPoster(CurlPosterOptions options, Clock clock = store::now_utc);
  PostResult post(const PostRequest& request) override;

 private:
  CurlPosterOptions options_;
  Clock clock_;
};

}  // namespace gatehouse::webhooks
