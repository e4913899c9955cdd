#pragma once
// Framing rules checked once a request's header block is complete, before its body is read
// and before routing (RFC 9112 §3.2, §5.2, §6.3; docs/decisions.md, HTTP). Beast's parser lets each
// of these through, and each lets a proxy in front and this server disagree about where a request
// ends or who is asking: the request is refused with 400 and the connection closed. Pure functions,
// so they are unit-tested without sockets.
#include <cstddef>
#include <optional>
#include <string_view>

namespace gatehouse::http {

class FramingCheck {
 public:
  // Feed every header field line in order.
  void field(std::string_view name, std::string_view value);

  // Why the request (HTTP version 10 or 11) must be refused, or nullopt when it may go on.
  std::optional<std::string_view> violation(unsigned version) const;

 private:
  void transfer_codings(std::string_view value);

  int hosts_ = 0;
  int authorizations_ = 0;
  int api_keys_ = 0;
  bool transfer_encoding_ = false;
  int codings_ = 0;           // transfer codings listed, over every Transfer-Encoding line
  bool only_chunked_ = true;  // every coding listed is `chunked`
};

// Offset just past the blank line that ends the header block in `data` (request line,
// fields, CRLF CRLF), or npos while it is incomplete. `from` skips bytes already searched.
std::size_t header_block_end(std::string_view data, std::size_t from = 0);

// True when a field line of `header_block` is continued on the next line (obs-fold: a line
// break followed by a space or tab). Beast silently joins such lines; a proxy may not.
bool has_obs_fold(std::string_view header_block);

}  // namespace gatehouse::http
