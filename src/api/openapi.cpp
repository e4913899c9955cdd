#include "api/openapi.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <set>
#include <string_view>

#include "api/openapi_schemas.hpp"
#include "api/route_doc.hpp"
#include "http/error_response.hpp"

namespace gatehouse::api {

namespace {

namespace json = boost::json;

json::object ref(std::string_view component) {
  return {{"$ref", "#/components/schemas/" + std::string(component)}};
}

json::object json_content(const json::value& schema) {
  return {{"application/json", json::object{{"schema", schema}}}};
}

// "/users/{user_id:int}" → "/users/{user_id}".
std::string openapi_path(const http::Route& route) {
  std::string out;
  for (const auto& s : route.segments) {
    out += '/';
    out += s.is_param ? "{" + s.name + "}" : s.literal;
  }
  if (out.empty() || route.trailing_slash) out += '/';
  return out;
}

std::string operation_id(std::string_view method, const std::string& path) {
  std::string id(method);
  for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool sep = true;
  for (char c : path) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      if (sep) id += '_';
      id += c;
      sep = false;
    } else {
      sep = true;
    }
  }
  if (path == "/") id += "_root";
  return id;
}

json::object field_schema(const Field& f) {
  json::object s;
  switch (f.type) {
    case FieldType::kString:
      s["type"] = "string";
      break;
    case FieldType::kEmail:
      s["type"] = "string";
      s["format"] = "idn-email";  // internationalised addresses are accepted
      break;
    case FieldType::kPassword:
      s["type"] = "string";
      s["format"] = "password";
      break;
    case FieldType::kDateTime:
      s["type"] = "string";
      s["format"] = "date-time";
      break;
    case FieldType::kBoolean:
      // Read as pydantic's lax mode does (api/query_reader.hpp bool_from_text): true/false,
      // 0/1 and the words; JSON booleans are the form to send.
      s["anyOf"] = json::array{
          json::object{{"type", "boolean"}}, json::object{{"enum", json::array{0, 1}}},
          json::object{
              {"type", "string"},
              {"description", "true/false, yes/no, on/off, t/f, y/n or 1/0, in any letter case"}}};
      break;
    case FieldType::kInteger:
      s["type"] = "integer";
      break;
    case FieldType::kStringList:
      s["type"] = "array";
      s["items"] = json::object{{"type", "string"}};
      break;
  }
  if (f.min_length >= 0) s["minLength"] = f.min_length;
  if (f.max_length >= 0) s["maxLength"] = f.max_length;
  if (f.type == FieldType::kInteger) {
    if (f.minimum != std::numeric_limits<std::int64_t>::min()) s["minimum"] = f.minimum;
    if (f.maximum != std::numeric_limits<std::int64_t>::max()) s["maximum"] = f.maximum;
  }
  if (!f.choices.empty()) {
    json::array values;
    for (auto c : f.choices) values.emplace_back(c);
    s["enum"] = std::move(values);
  }
  if (!f.fallback.empty()) s["default"] = json::parse(f.fallback);
  if (!f.description.empty()) s["description"] = f.description;
  if (f.nullable) {
    // JSON Schema 2020-12: null is one more accepted value.
    if (s.contains("anyOf")) {
      s["anyOf"].as_array().push_back(json::object{{"type", "null"}});
    } else {
      json::array types{s["type"], "null"};
      s["type"] = std::move(types);
    }
  }
  return s;
}

json::object body_schema(const FieldSet& set) {
  json::object props;
  json::array required;
  for (const auto& f : set.fields) {
    props[f.name] = field_schema(f);
    if (f.required) required.emplace_back(f.name);
  }
  json::object s{{"type", "object"}, {"properties", std::move(props)}};
  if (!required.empty()) s["required"] = std::move(required);
  if (!set.description.empty()) s["description"] = set.description;
  return s;
}

json::object path_parameter(const http::Segment& s) {
  json::object schema;
  switch (s.type) {
    case http::ParamType::kInt:
      schema = {{"type", "integer"}};
      break;
    case http::ParamType::kUuid:
      schema = {{"type", "string"}, {"format", "uuid"}};
      break;
    case http::ParamType::kString:
    case http::ParamType::kPath:
      schema = {{"type", "string"}};
      break;
  }
  return {{"name", s.name}, {"in", "path"}, {"required", true}, {"schema", std::move(schema)}};
}

json::object error_reply(std::string description, std::string_view schema = "HTTPError") {
  return {{"description", std::move(description)}, {"content", json_content(ref(schema))}};
}

std::string audience_text(const Access& a) {
  switch (a.audience) {
    case Audience::kUser:
      return "Any signed-in user or API key.";
    case Audience::kOwnerOrAdmin:
      return "The user named in the path, or an admin.";
    case Audience::kAdmin:
      return "Admins only.";
  }
  return {};
}

// The access rule in words, for the operation's description.
std::string access_text(const Access& a) {
  std::string out = audience_text(a);
  if (a.signed_in) {
    out += " API keys are refused: this needs a signed-in user (a bearer token).";
  } else if (a.scope.empty()) {
    out += " Any API key may call it, whatever its scope list.";
  } else {
    out += " An API key with a scope list needs `" + std::string(a.scope) + "`";
    if (!a.other_user_scope.empty()) {
      out += " (`" + std::string(a.other_user_scope) + "` when an admin acts on another user)";
    }
    out += ".";
    if (a.signed_in_if) out += " Some requests need a signed-in user: see the 403 answer.";
  }
  return out;
}

json::array security_of(const Access& a) {
  json::array alternatives;
  alternatives.push_back(json::object{{"BearerAuth", json::array{}}});
  if (!a.signed_in) {
    json::array scopes;
    if (!a.scope.empty()) scopes.emplace_back(a.scope);
    if (!a.other_user_scope.empty()) scopes.emplace_back(a.other_user_scope);
    alternatives.push_back(json::object{{"ApiKeyAuth", std::move(scopes)}});
  }
  return alternatives;
}

// Why each status may be answered, by code names, for descriptions.
void add_error_codes(std::map<int, std::set<std::string>>& out,
                     const std::vector<ErrorCode>& codes) {
  for (ErrorCode c : codes) out[http::http_status(c)].insert(error_code_name(c));
}

json::object operation(const http::Route& route, const RouteDoc& doc) {
  const std::string path = openapi_path(route);
  json::object op;
  if (!doc.tag.empty()) op["tags"] = json::array{doc.tag};
  op["summary"] = doc.summary;
  op["operationId"] = operation_id(route.method, path);
  std::string description(doc.description);
  if (doc.access) {
    if (!description.empty()) description += "\n\n";
    description += access_text(*doc.access);
  }
  if (!doc.limits.empty()) {
    if (!description.empty()) description += "\n\n";
    description += "Rate limits (RATE_LIMITS names):";
    for (auto name : doc.limits) description += " `" + std::string(name) + "`";
    description += ".";
  }
  if (!description.empty()) op["description"] = description;

  json::array params;
  bool typed_params = false;
  for (const auto& s : route.segments) {
    if (!s.is_param) continue;
    params.push_back(path_parameter(s));
    typed_params =
        typed_params || s.type == http::ParamType::kInt || s.type == http::ParamType::kUuid;
  }
  if (doc.query) {
    for (const auto& f : doc.query->fields) {
      json::object p{
          {"name", f.name}, {"in", "query"}, {"required", f.required}, {"schema", field_schema(f)}};
      params.push_back(std::move(p));
    }
  }
  for (const auto& h : doc.request_headers) {
    params.push_back(json::object{{"name", h.name},
                                  {"in", "header"},
                                  {"required", false},
                                  {"description", h.description},
                                  {"schema", json::object{{"type", "string"}}}});
  }
  if (!params.empty()) op["parameters"] = std::move(params);

  if (doc.body) {
    json::object content = json_content(ref(doc.body->schema_name));
    if (doc.form_body) {
      content["application/x-www-form-urlencoded"] =
          json::object{{"schema", ref(doc.body->schema_name)}};
    }
    op["requestBody"] =
        json::object{{"required", !doc.body_optional}, {"content", std::move(content)}};
  }

  json::object responses;
  for (const auto& reply : doc.replies) {
    const std::string key = std::to_string(reply.status);
    json::object& r =
        responses[key].is_object() ? responses[key].as_object() : responses[key].emplace_object();
    if (!r.contains("description")) r["description"] = reply.description;
    if (!reply.headers.empty()) {
      json::object headers;
      for (const auto& h : reply.headers) {
        headers[h.name] = json::object{{"description", h.description},
                                       {"schema", json::object{{"type", "string"}}}};
      }
      r["headers"] = std::move(headers);
    }
    json::value schema = reply.schema.empty() ? json::value(json::object{{"type", "string"}})
                                              : json::value(ref(reply.schema));
    if (!reply.schema.empty() || reply.media_type != "application/json") {
      if (!r.contains("content")) r["content"] = json::object{};
      r["content"].as_object()[reply.media_type] = json::object{{"schema", std::move(schema)}};
    }
  }
  if (doc.cached)
    responses["304"] =
        json::object{{"description", "Not modified (If-None-Match matched the ETag)."}};

  std::map<int, std::set<std::string>> errors;
  add_error_codes(errors, doc.errors);
  if (doc.access) {
    add_error_codes(
        errors, {ErrorCode::kNotAuthenticated, ErrorCode::kTokenInvalid, ErrorCode::kTokenExpired,
                 ErrorCode::kApiKeyInvalid, ErrorCode::kApiKeyInactive, ErrorCode::kApiKeyExpired,
                 ErrorCode::kForbidden, ErrorCode::kRateLimited});
    if (doc.access->signed_in || doc.access->signed_in_if) {
      add_error_codes(errors, {ErrorCode::kSignedInRequired});
    }
    if (!doc.access->signed_in) add_error_codes(errors, {ErrorCode::kInsufficientScope});
  }
  if (!doc.limits.empty())
    add_error_codes(errors, {ErrorCode::kRateLimited, ErrorCode::kUnavailable});
  if (doc.body) add_error_codes(errors, {ErrorCode::kBodyTooLarge});
  if (doc.body || doc.query || typed_params)
    add_error_codes(errors, {ErrorCode::kValidationFailed});
  if (!route.options.inline_handler) add_error_codes(errors, {ErrorCode::kOverloaded});
  for (const auto& [status, codes] : errors) {
    const std::string key = std::to_string(status);
    std::string why = "Error codes (docs/errors.md):";
    for (const auto& c : codes) why += " `" + c + "`";
    const std::string_view schema = status == 422 ? "Unprocessable" : "HTTPError";
    if (!responses.contains(key)) {
      responses[key] = error_reply(why + ".", schema);
      continue;
    }
    // A status the route also answers otherwise (the form's 400 page): the JSON error joins it.
    json::object& r = responses[key].as_object();
    r["description"] = std::string(r["description"].as_string()) + "; " + why + ".";
    if (!r.contains("content")) r["content"] = json::object{};
    json::object& content = r["content"].as_object();
    if (const auto* existing = content.if_contains("application/json")) {
      // Both this route's own body for the status (/ready's report) and an error.
      json::value own = existing->as_object().at("schema");
      content["application/json"] = json::object{
          {"schema", json::object{{"oneOf", json::array{std::move(own), ref(schema)}}}}};
    } else {
      content["application/json"] = json::object{{"schema", ref(schema)}};
    }
  }
  op["responses"] = std::move(responses);
  op["security"] = doc.access ? security_of(*doc.access) : json::array{};
  if (doc.access && !doc.access->signed_in && !doc.access->scope.empty()) {
    op["x-required-scope"] = doc.access->scope;
  }
  return op;
}

json::object security_schemes() {
  return {{"BearerAuth",
           json::object{{"type", "http"},
                        {"scheme", "bearer"},
                        {"bearerFormat", "JWT"},
                        {"description", "An access token from POST /login/ or POST /refresh/."}}},
          {"ApiKeyAuth",
           json::object{{"type", "apiKey"},
                        {"in", "header"},
                        {"name", "X-API-Key"},
                        {"description",
                         "An API key (pk_…). A key with a scope list may call only the routes "
                         "whose scope it holds (x-required-scope)."}}}};
}

json::array tags() {
  json::array out;
  for (auto [name, text] : std::initializer_list<std::pair<const char*, const char*>>{
           {"Authentication", "Registration, sign-in, tokens, email verification, passwords."},
           {"Users", "Accounts, roles, bans and sessions."},
           {"API Keys", "Keys for programs, with scopes."},
           {"Health", "Liveness and readiness probes."},
           {"Monitoring", "Metrics, this document and the signing keys."},
           {"Pages", "HTML pages and their assets."}}) {
    out.push_back(json::object{{"name", name}, {"description", text}});
  }
  return out;
}

// Keeps only the schemas the paths use, directly or through other kept schemas (response
// schemas of routes this server does not have, e.g. /metrics when it is off, are left out).
void drop_unreferenced(json::object& schemas, const json::object& paths) {
  std::set<std::string> kept;
  std::string reachable = json::serialize(paths);
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [name, schema] : schemas) {
      const std::string key(name);
      if (kept.contains(key)) continue;
      if (reachable.find("\"#/components/schemas/" + key + "\"") == std::string::npos) continue;
      kept.insert(key);
      reachable += json::serialize(schema);
      grew = true;
    }
  }
  json::object out;
  for (const auto& [name, schema] : schemas) {
    if (kept.contains(std::string(name))) out[name] = schema;
  }
  schemas = std::move(out);
}

}  // namespace

std::string openapi_document(const http::Router& router, const config::Settings& settings) {
  json::object paths;
  for (const auto& route : router.routes()) {
    const RouteDoc* doc = find_route_doc(route);
    if (!doc) continue;
    const std::string path = openapi_path(route);
    json::value& slot = paths[path];
    json::object& item = slot.is_object() ? slot.as_object() : slot.emplace_object();
    std::string method = route.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    item[method] = operation(route, *doc);
  }
  // Request bodies, from the declarations the readers use.
  json::object schemas = response_schemas();
  for (const auto& route : router.routes()) {
    const RouteDoc* doc = find_route_doc(route);
    if (doc && doc->body) schemas[doc->body->schema_name] = body_schema(*doc->body);
  }
  drop_unreferenced(schemas, paths);
  json::object info{{"title", settings.metadata.title},
                    {"description", settings.metadata.description},
                    {"version", GATEHOUSE_VERSION},
                    {"license", json::object{{"name", "MIT"}, {"identifier", "MIT"}}}};
  json::object doc{{"openapi", "3.1.0"},
                   {"info", std::move(info)},
                   {"tags", tags()},
                   {"paths", std::move(paths)},
                   {"components", json::object{{"schemas", std::move(schemas)},
                                               {"securitySchemes", security_schemes()}}}};
  // The paths carry API_ROOT; "/" is the origin the document was fetched from, so the docs
  // page calls back to its own server (as its CSP requires) wherever it is deployed.
  doc["servers"] = json::array{
      json::object{{"url", "/"}, {"description", "The server that served this document"}}};
  return json::serialize(doc);
}

}  // namespace gatehouse::api
