#include "api/openapi_schemas.hpp"

#include <boost/json/parse.hpp>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::api {

namespace {

// The shapes of the JSON bodies the API answers with, as api/user_json.cpp and
// api/responses.cpp render them (the recorded-traffic test validates every answer of the
// integration tests against these, so a field added there and not here fails a test).
// Every object is closed (additionalProperties: false) for that reason.
constexpr const char* kResponseSchemas = R"json({
  "HTTPError": {
    "type": "object",
    "description": "An error with one human-readable message.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": false
  },
  "ValidationError": {
    "type": "object",
    "properties": {
      "type": {"type": "string"},
      "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
      "msg": {"type": "string"},
      "input": {},
      "ctx": {"type": "object"}
    },
    "required": ["type", "loc", "msg"],
    "additionalProperties": false
  },
  "HTTPValidationError": {
    "type": "object",
    "description": "Request validation failed: one entry per problem (pydantic's shape).",
    "properties": {"detail": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}}},
    "required": ["detail"],
    "additionalProperties": false
  },
  "Unprocessable": {
    "description": "The list of validation problems, or one message for a request the route refuses as a whole.",
    "oneOf": [{"$ref": "#/components/schemas/HTTPValidationError"}, {"$ref": "#/components/schemas/HTTPError"}]
  },
  "Message": {
    "type": "object",
    "properties": {"message": {"type": "string"}},
    "required": ["message"],
    "additionalProperties": false
  },
  "TokenResponse": {
    "type": "object",
    "description": "An access token and the refresh token of its session.",
    "properties": {"token": {"type": "string"}, "refresh": {"type": "string"}},
    "required": ["token", "refresh"],
    "additionalProperties": false
  },
  "MfaRequiredResponse": {
    "type": "object",
    "description": "The password was right; the second factor is asked for at POST /login/mfa/.",
    "properties": {"mfa_required": {"const": true}, "mfa_token": {"type": "string"}},
    "required": ["mfa_required", "mfa_token"],
    "additionalProperties": false
  },
  "LoginResponse": {
    "oneOf": [{"$ref": "#/components/schemas/TokenResponse"},
              {"$ref": "#/components/schemas/MfaRequiredResponse"}]
  },
  "TotpEnrolment": {
    "type": "object",
    "description": "A new TOTP secret (base32) and the same as an otpauth:// URI for a QR code.",
    "properties": {"secret": {"type": "string", "pattern": "^[A-Z2-7]+$"},
                   "otpauth_uri": {"type": "string", "pattern": "^otpauth://totp/"}},
    "required": ["secret", "otpauth_uri"],
    "additionalProperties": false
  },
  "RecoveryCodes": {
    "type": "object",
    "description": "Ten single-use recovery codes, shown this once.",
    "properties": {"recovery_codes": {"type": "array", "minItems": 10, "maxItems": 10,
                   "items": {"type": "string", "pattern": "^[a-z2-7]{5}-[a-z2-7]{5}$"}}},
    "required": ["recovery_codes"],
    "additionalProperties": false
  },
  "UserResponse": {
    "type": "object",
    "properties": {
      "email": {"type": "string", "format": "idn-email"},
      "id": {"type": "integer"},
      "first_name": {"type": "string"},
      "last_name": {"type": "string"},
      "role": {"type": "string", "enum": ["user", "admin"]},
      "banned": {"type": "boolean"},
      "verified": {"type": "boolean"},
      "created_at": {"type": ["string", "null"], "format": "date-time"},
      "updated_at": {"type": ["string", "null"], "format": "date-time"},
      "last_login_at": {"type": ["string", "null"], "format": "date-time"},
      "mfa_enabled": {"type": "boolean"},
      "locked_until": {"type": ["string", "null"], "format": "date-time"}
    },
    "required": ["email", "id", "first_name", "last_name", "role", "banned", "verified",
                 "created_at", "updated_at", "last_login_at", "mfa_enabled", "locked_until"],
    "additionalProperties": false
  },
  "MyUserResponse": {
    "type": "object",
    "properties": {
      "email": {"type": "string", "format": "idn-email"},
      "first_name": {"type": "string"},
      "last_name": {"type": "string"}
    },
    "required": ["email", "first_name", "last_name"],
    "additionalProperties": false
  },
  "UserPage": {
    "type": "object",
    "properties": {
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/UserResponse"}},
      "total": {"type": "integer", "minimum": 0},
      "page": {"type": "integer", "minimum": 1},
      "size": {"type": "integer", "minimum": 1},
      "pages": {"type": "integer", "minimum": 0}
    },
    "required": ["items", "total", "page", "size", "pages"],
    "additionalProperties": false
  },
  "UserPageOrUser": {
    "description": "A page of users; with user_id, that one user.",
    "oneOf": [{"$ref": "#/components/schemas/UserPage"}, {"$ref": "#/components/schemas/UserResponse"}]
  },
  "AuditEvent": {
    "type": "object",
    "properties": {
      "id": {"type": "integer"},
      "at": {"type": "string", "format": "date-time"},
      "actor_id": {"type": ["integer", "null"], "description": "Who acted; null for the CLI or an anonymous caller."},
      "action": {"type": "string", "examples": ["user.login"]},
      "target_type": {"type": ["string", "null"], "enum": ["user", "api_key", "session", null]},
      "target_id": {"type": ["string", "null"]},
      "user_id": {"type": ["integer", "null"], "description": "The user the event concerns."},
      "ip": {"type": ["string", "null"]},
      "user_agent": {"type": ["string", "null"]},
      "outcome": {"type": "string", "enum": ["success", "failure"]},
      "details": {"type": "object", "description": "Action-specific; never a password, token, code or key."},
      "request_id": {"type": ["string", "null"]}
    },
    "required": ["id", "at", "actor_id", "action", "target_type", "target_id", "user_id", "ip", "user_agent", "outcome", "details", "request_id"],
    "additionalProperties": false
  },
  "AuditEventPage": {
    "type": "object",
    "properties": {
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEvent"}},
      "total": {"type": "integer", "minimum": 0},
      "page": {"type": "integer", "minimum": 1},
      "size": {"type": "integer", "minimum": 1},
      "pages": {"type": "integer", "minimum": 0}
    },
    "required": ["items", "total", "page", "size", "pages"],
    "additionalProperties": false
  },
  "Session": {
    "type": "object",
    "properties": {
      "id": {"type": "string"},
      "created_at": {"type": ["string", "null"], "format": "date-time"},
      "last_used_at": {"type": ["string", "null"], "format": "date-time"},
      "ip": {"type": "string"},
      "user_agent": {"type": "string"},
      "current": {"type": "boolean", "description": "The session of the token making this request."}
    },
    "required": ["id", "created_at", "last_used_at", "ip", "user_agent", "current"],
    "additionalProperties": false
  },
  "SessionList": {"type": "array", "items": {"$ref": "#/components/schemas/Session"}},
  "ApiKey": {
    "type": "object",
    "properties": {
      "id": {"type": "string", "format": "uuid"},
      "name": {"type": "string"},
      "created_at": {"type": ["string", "null"], "format": "date-time"},
      "is_active": {"type": "boolean"},
      "last_used_at": {"type": ["string", "null"], "format": "date-time"},
      "scopes": {"type": ["array", "null"], "items": {"type": "string"},
                 "description": "null: the key acts with every right of its user."},
      "expires_at": {"type": ["string", "null"], "format": "date-time"}
    },
    "required": ["id", "name", "created_at", "is_active", "last_used_at", "scopes", "expires_at"],
    "additionalProperties": false
  },
  "ApiKeyList": {"type": "array", "items": {"$ref": "#/components/schemas/ApiKey"}},
  "Status": {
    "type": "object",
    "properties": {"status": {"type": "string", "enum": ["ok"]}},
    "required": ["status"],
    "additionalProperties": false
  },
  "Readiness": {
    "type": "object",
    "properties": {
      "status": {"type": "string", "enum": ["ok", "error"]},
      "database": {"type": "string", "enum": ["ok", "error"]},
      "redis": {"type": "string", "enum": ["ok", "error", "disabled"]}
    },
    "required": ["status", "database", "redis"],
    "additionalProperties": false
  },
  "ServiceInfo": {
    "type": "object",
    "properties": {"info": {"type": "string"}, "repository": {"type": "string"}},
    "required": ["info", "repository"],
    "additionalProperties": false
  },
  "JsonWebKeySet": {
    "type": "object",
    "description": "The public keys that verify access tokens (RFC 7517).",
    "properties": {
      "keys": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "kty": {"type": "string", "enum": ["EC", "RSA"]},
            "kid": {"type": "string"},
            "alg": {"type": "string", "enum": ["ES256", "RS256"]},
            "use": {"type": "string", "enum": ["sig"]},
            "crv": {"type": "string"},
            "x": {"type": "string"},
            "y": {"type": "string"},
            "n": {"type": "string"},
            "e": {"type": "string"}
          },
          "required": ["kty", "kid", "alg", "use"],
          "additionalProperties": false
        }
      }
    },
    "required": ["keys"],
    "additionalProperties": false
  },
  "OpenApiDocument": {
    "type": "object",
    "description": "This document.",
    "properties": {"openapi": {"type": "string"}},
    "required": ["openapi"]
  }
})json";

std::vector<std::pair<std::string_view, std::string_view>>& extension_schemas() {
  static std::vector<std::pair<std::string_view, std::string_view>> schemas;
  return schemas;
}

}  // namespace

void add_response_schema(std::string_view name, std::string_view json_schema) {
  extension_schemas().emplace_back(name, json_schema);
}

boost::json::object response_schemas() {
  boost::json::object schemas = boost::json::parse(kResponseSchemas).as_object();
  // A new key's answer is the key's record plus the key itself, appended last.
  boost::json::object created = schemas.at("ApiKey").as_object();
  created["description"] =
      "The new key, with the key itself: shown this once, stored only as a keyed hash.";
  created["properties"].as_object()["key"] = {
      {"type", "string"},
      {"description", "API_KEY_PREFIX (default pk_) and 43 base64url characters."}};
  created["required"].as_array().emplace_back("key");
  schemas["ApiKeyCreated"] = std::move(created);
  for (const auto& [name, text] : extension_schemas()) {
    schemas[name] = boost::json::parse(text).as_object();
  }
  return schemas;
}

}  // namespace gatehouse::api
