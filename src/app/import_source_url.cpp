#include "app/import_source_url.hpp"

#include <array>
#include <string_view>

#include "config/loader.hpp"

namespace gatehouse::app {

namespace {

constexpr std::array<std::string_view, 4> kSchemes = {"postgresql://", "postgres://", "postgresql+",
                                                      "postgres+"};

// `text` with the value after each "password=" masked up to the next separator (space in a
// key=value string, '&' in a query); a quoted key=value value up to its closing quote.
std::string mask_password_parameters(std::string text) {
  constexpr std::string_view kKey = "password=";
  std::size_t at = 0;
  while ((at = text.find(kKey, at)) != std::string::npos) {
    const bool starts_word = at == 0 || text[at - 1] == ' ' || text[at - 1] == '&' ||
                             text[at - 1] == '?' || text[at - 1] == '\t';
    const std::size_t begin = at + kKey.size();
    if (!starts_word) {
      at = begin;
      continue;
    }
    std::size_t end = begin;
    if (end < text.size() && text[end] == '\'') {
      ++end;
      while (end < text.size() && text[end] != '\'') end += text[end] == '\\' ? 2 : 1;
      end = end < text.size() ? end + 1 : text.size();
    } else {
      while (end < text.size() && text[end] != ' ' && text[end] != '&' && text[end] != '\t') {
        ++end;
      }
    }
    text.replace(begin, end - begin, "****");
    at = begin + 4;
  }
  return text;
}

}  // namespace

bool is_postgres_source(const std::string& url) {
  for (const auto scheme : kSchemes) {
    if (url.rfind(scheme, 0) == 0)
      return scheme.back() == '/' || url.find("://") != std::string::npos;
  }
  // A key=value string: no scheme, at least one keyword.
  return url.find("://") == std::string::npos && url.find('=') != std::string::npos;
}

std::string masked_source_url(const std::string& url) {
  return mask_password_parameters(config::mask_url_password(url));
}

}  // namespace gatehouse::app
