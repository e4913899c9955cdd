#include "core/percent.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/grammar/hexdig_chars.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <boost/url/grammar/string_token.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace gatehouse {

namespace {

namespace urls = boost::urls;

// What a query may hold unescaped (RFC 3986 §3.4), '&', '=' and '+' included.
constexpr urls::grammar::lut_chars kQueryChars = urls::pchars + urls::grammar::lut_chars("/?");
constexpr urls::grammar::lut_chars kAllButPercent = ~urls::grammar::lut_chars('%');

bool starts_escape(std::string_view s, std::size_t i) {
  return s[i] == '%' && i + 2 < s.size() && urls::grammar::hexdig_chars(s[i + 1]) &&
         urls::grammar::hexdig_chars(s[i + 2]);
}

// Boost.URL reads only well-formed text, but clients and operators send anything. Escapes
// every byte of `s` outside `raw_ok` and every '%' that starts no valid escape, so that
// decoding the result keeps those bytes verbatim, as Python's unquote does.
std::string well_formed(std::string_view s, const urls::grammar::lut_chars& raw_ok) {
  std::string out;
  out.reserve(s.size());
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!starts_escape(s, i)) continue;
    urls::encode(s.substr(run, i - run), raw_ok, {}, urls::string_token::append_to(out));
    out.append(s.substr(i, 3));
    i += 2;
    run = i + 1;
  }
  urls::encode(s.substr(run), raw_ok, {}, urls::string_token::append_to(out));
  return out;
}

}  // namespace

std::string percent_decode(std::string_view s, bool plus_as_space) {
  const urls::encoding_opts opt(plus_as_space);
  if (const auto pct = urls::make_pct_string_view(s)) return pct->decode(opt);
  return urls::make_pct_string_view(well_formed(s, kAllButPercent))->decode(opt);
}

std::string percent_encode(std::string_view s, bool space_as_plus) {
  return urls::encode(s, urls::unreserved_chars, urls::encoding_opts(space_as_plus));
}

std::vector<FormField> parse_form(std::string_view text) {
  const std::string query = well_formed(text, kQueryChars);  // the view below refers to it
  std::vector<FormField> fields;
  for (const urls::param p : urls::params_view(query, urls::encoding_opts(true))) {
    fields.push_back({p.key, p.value, p.has_value});
  }
  return fields;
}

std::optional<std::string> form_field(std::string_view text, std::string_view name) {
  for (FormField& f : parse_form(text)) {
    if (f.name == name) return std::move(f.value);
  }
  return std::nullopt;
}

}  // namespace gatehouse
