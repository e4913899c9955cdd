#include "http/router.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "core/ids.hpp"
#include "http/json_text.hpp"

namespace gatehouse::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return parts;
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    parts.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

Segment parse_segment(std::string_view s) {
  Segment seg;
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
    seg.is_param = true;
    std::string_view inner = s.substr(1, s.size() - 2);
    const auto colon = inner.find(':');
    seg.name = std::string(inner.substr(0, colon));
    if (colon != std::string_view::npos) {
      const std::string_view type = inner.substr(colon + 1);
      if (type == "int") {
        seg.type = ParamType::kInt;
      } else if (type == "uuid") {
        seg.type = ParamType::kUuid;
      } else if (type == "path") {
        seg.type = ParamType::kPath;
      } else if (type != "str") {
        throw std::invalid_argument("unknown route parameter type: " + std::string(type));
      }
    }
    if (seg.name.empty()) throw std::invalid_argument("empty route parameter name");
  } else {
    if (s.find('{') != std::string_view::npos || s.find('}') != std::string_view::npos) {
      throw std::invalid_argument("unbalanced braces in route segment: " + std::string(s));
    }
    seg.literal = std::string(s);
  }
  return seg;
}

std::string toggle_trailing_slash(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') return std::string(path.substr(0, path.size() - 1));
  return std::string(path) + "/";
}

}  // namespace

Route& Router::add(std::string method, std::string_view pattern, Handler handler,
                   RouteOptions options) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  Route r;
  r.method = std::move(method);
  r.pattern = std::string(pattern);
  r.trailing_slash = pattern.size() > 1 && pattern.back() == '/';
  for (auto part : split_path(pattern)) r.segments.push_back(parse_segment(part));
  r.handler = std::move(handler);
  r.options = std::move(options);
  routes_.push_back(std::move(r));
  return routes_.back();
}

bool Router::path_matches(const Route& r, std::string_view path,
                          const std::vector<std::string_view>& parts,
                          std::vector<PathParam>* params) const {
  const bool has_slash = path.size() > 1 && path.back() == '/';
  const bool ends_with_path_param = !r.segments.empty() && r.segments.back().is_param &&
                                    r.segments.back().type == ParamType::kPath;
  if (has_slash != r.trailing_slash && !ends_with_path_param) return false;
  // Cheap rejection before any parameter is decoded.
  if (!ends_with_path_param && parts.size() != r.segments.size()) return false;
  std::size_t i = 0;
  for (std::size_t s = 0; s < r.segments.size(); ++s) {
    const Segment& seg = r.segments[s];
    if (seg.is_param && seg.type == ParamType::kPath) {
      if (i >= parts.size()) return false;
      // The rest of the path, slashes included.
      const char* begin = parts[i].data();
      const char* end = path.data() + path.size();
      if (params)
        params->push_back(
            {seg.name, percent_decode({begin, static_cast<std::size_t>(end - begin)})});
      return true;
    }
    if (i >= parts.size()) return false;
    if (seg.is_param) {
      if (parts[i].empty()) return false;
      if (params) params->push_back({seg.name, percent_decode(parts[i])});
    } else if (parts[i] != seg.literal) {
      return false;
    }
    ++i;
  }
  return i == parts.size();
}

Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  std::vector<std::string> allowed;
  const auto parts = split_path(path);
  for (const Route& r : routes_) {
    std::vector<PathParam> params;
    if (!path_matches(r, path, parts, &params)) continue;
    if (r.method == method) {
      m.kind = Match::Kind::kFound;
      m.route = &r;
      m.params = std::move(params);
      return m;
    }
    if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) {
      allowed.push_back(r.method);
    }
  }
  if (!allowed.empty()) {
    m.kind = Match::Kind::kMethodNotAllowed;
    for (const auto& a : allowed) {
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += a;
    }
    return m;
  }
  if (path != "/") {
    const std::string other = toggle_trailing_slash(path);
    const auto other_parts = split_path(other);
    for (const Route& r : routes_) {
      if (path_matches(r, other, other_parts, nullptr)) {
        m.kind = Match::Kind::kRedirect;
        m.redirect_path = other;
        return m;
      }
    }
  }
  return m;
}

Status check_param_types(const Route& route, const std::vector<PathParam>& params) {
  std::vector<FieldError> errors;
  for (const Segment& seg : route.segments) {
    if (!seg.is_param) continue;
    const auto it = std::find_if(params.begin(), params.end(),
                                 [&](const PathParam& p) { return p.name == seg.name; });
    if (it == params.end()) continue;
    const std::string& v = it->value;
    if (seg.type == ParamType::kInt) {
      long long parsed = 0;
      const auto* begin = v.data();
      const auto* end = v.data() + v.size();
      const auto [ptr, ec] = std::from_chars(begin, end, parsed);
      if (ec != std::errc() || ptr != end) {
        errors.push_back({"int_parsing",
                          {"path", seg.name},
                          "Input should be a valid integer, unable to parse string as an integer",
                          json_string(v)});
      }
    } else if (seg.type == ParamType::kUuid) {
      if (!is_uuid(v)) {
        errors.push_back({"uuid_parsing",
                          {"path", seg.name},
                          "Input should be a valid UUID, invalid length or character",
                          json_string(v)});
      }
    }
  }
  if (!errors.empty()) return Error::validation(std::move(errors));
  return ok();
}

}  // namespace gatehouse::http
