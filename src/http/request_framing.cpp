#include "http/request_framing.hpp"

#include "http/request.hpp"

namespace gatehouse::http {

namespace {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void FramingCheck::field(std::string_view name, std::string_view value) {
  if (iequals(name, "Host")) {
    ++hosts_;
  } else if (iequals(name, "Authorization")) {
    ++authorizations_;
  } else if (iequals(name, "X-API-Key")) {
    ++api_keys_;
  } else if (iequals(name, "Transfer-Encoding")) {
    transfer_encoding_ = true;
    transfer_codings(value);
  }
}

void FramingCheck::transfer_codings(std::string_view value) {
  // A comma list; empty elements do not count (RFC 9110 §5.6.1). Gatehouse implements no
  // coding but `chunked`, so the list must be exactly that one coding: anything else either
  // leaves the body's end undefined (final coding not chunked) or a body we cannot decode.
  while (true) {
    const auto comma = value.find(',');
    const std::string_view element = trim_ows(value.substr(0, comma));
    if (!element.empty()) {
      ++codings_;
      if (!iequals(element, "chunked")) only_chunked_ = false;
    }
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

std::optional<std::string_view> FramingCheck::violation(unsigned version) const {
  if (transfer_encoding_ && version < 11) return "Transfer-Encoding on an HTTP/1.0 request";
  if (transfer_encoding_ && (codings_ != 1 || !only_chunked_)) {
    return "Transfer-Encoding other than a single chunked";
  }
  if (hosts_ > 1) return "more than one Host header";
  if (hosts_ == 0 && version >= 11) return "HTTP/1.1 request without Host";
  if (authorizations_ > 1) return "more than one Authorization header";
  if (api_keys_ > 1) return "more than one X-API-Key header";
  return std::nullopt;
}

std::size_t header_block_end(std::string_view data, std::size_t from) {
  const auto at = data.find("\r\n\r\n", from);
  return at == std::string_view::npos ? std::string_view::npos : at + 4;
}

bool has_obs_fold(std::string_view header_block) {
  // The request line cannot be folded, so any line break followed by SP or HTAB inside the
  // block continues a field line.
  for (auto at = header_block.find("\r\n"); at != std::string_view::npos;
       at = header_block.find("\r\n", at + 2)) {
    if (at + 2 < header_block.size()) {
      const char next = header_block[at + 2];
      if (next == ' ' || next == '\t') return true;
    }
  }
  return false;
}

}  // namespace gatehouse::http
