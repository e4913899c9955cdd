// The notes resource: /notes/ routes and the extension's one declaration (docs/extending.md).
// A handler parses, calls NotesService, renders; who may call it and with which API-key
// scope is declared with each route (api/access.hpp), as in src/api/.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <memory>

#include "api/access.hpp"
#include "api/body_reader.hpp"
#include "api/json_body.hpp"
#include "api/responses.hpp"
#include "app/extension.hpp"
#include "notes_service.hpp"

namespace gatehouse {
// Generated from migrations/<backend>/*.sql by gatehouse_extension() (cmake/Extension.cmake).
std::span<const EmbeddedFile> embedded_notes_sqlite_migrations();
std::span<const EmbeddedFile> embedded_notes_postgres_migrations();
}  // namespace gatehouse

namespace notes {

namespace {

namespace api = gatehouse::api;
namespace json = boost::json;
using gatehouse::http::Request;
using gatehouse::http::Response;
using gatehouse::services::Principal;

constexpr std::string_view kRead = "notes:read";
constexpr std::string_view kWrite = "notes:write";
constexpr std::string_view kTag = "Notes";

const api::FieldSet kNoteBody{
    .schema_name = "NoteRequest",
    .fields = {{.name = "title",
                .required = true,
                .min_length = 1,
                .max_length = static_cast<int>(kTitleMax)},
               {.name = "body", .max_length = static_cast<int>(kBodyMax), .fallback = ""}}};

constexpr std::string_view kNoteSchema = R"json({
  "type": "object",
  "properties": {
    "id": {"type": "integer"},
    "title": {"type": "string"},
    "body": {"type": "string"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"}
  },
  "required": ["id", "title", "body", "created_at", "updated_at"]
})json";
constexpr std::string_view kNoteListSchema = R"json({
  "type": "array", "items": {"$ref": "#/components/schemas/Note"}
})json";

json::object note_json(const Note& n) {
  return {{"id", n.id},
          {"title", n.title},
          {"body", n.body},
          {"created_at", gatehouse::store::format_iso8601(n.created_at)},
          {"updated_at", gatehouse::store::format_iso8601(n.updated_at)}};
}

std::int64_t note_id(const Request& req) {
  std::int64_t id = 0;
  if (const auto v = req.param("note_id")) std::from_chars(v->data(), v->data() + v->size(), id);
  return id;
}

gatehouse::Result<NoteText> read_text(Request& req) {
  auto body = api::parse_json_object(req);
  if (!body) return body.error();
  api::BodyReader r(*body, req);
  auto title = r.required_string("title");
  auto text = r.optional_string("body");
  if (gatehouse::Status s = r.finish(); !s) return s.error();
  return NoteText{*title, text.value_or("")};
}

// One service for the process, built at registration from the server's database.
std::shared_ptr<NotesService> service;

gatehouse::Result<Response> list_notes(Request&, const Principal& p) {
  auto notes = service->list(p.user.id);
  if (!notes) return notes.error();
  json::array items;
  for (const Note& n : *notes) items.emplace_back(note_json(n));
  return api::json_no_store(200, json::serialize(items));
}

gatehouse::Result<Response> get_note(Request& req, const Principal& p) {
  auto note = service->get(p.user.id, note_id(req));
  if (!note) return note.error();
  return api::json_no_store(200, json::serialize(note_json(*note)));
}

gatehouse::Result<Response> create_note(Request& req, const Principal& p) {
  auto text = read_text(req);
  if (!text) return text.error();
  auto note = service->create(p.user.id, *text);
  if (!note) return note.error();
  return api::json_no_store(201, json::serialize(note_json(*note)));
}

gatehouse::Result<Response> update_note(Request& req, const Principal& p) {
  auto text = read_text(req);
  if (!text) return text.error();
  auto note = service->update(p.user.id, note_id(req), *text);
  if (!note) return note.error();
  return api::json_no_store(200, json::serialize(note_json(*note)));
}

gatehouse::Result<Response> delete_note(Request& req, const Principal& p) {
  if (gatehouse::Status s = service->remove(p.user.id, note_id(req)); !s) return s.error();
  return Response::no_content();
}

void register_notes_routes(gatehouse::http::Router& router, const api::ApiContext& ctx) {
  service = std::make_shared<NotesService>(make_notes_repository(ctx.database), ctx.clock);
  const std::string all = ctx.settings.api_root + "/notes/";
  const std::string one = ctx.settings.api_root + "/notes/{note_id:int}";
  const api::Access read{.scope = kRead};
  const api::Access write{.scope = kWrite};
  using gatehouse::ErrorCode;
  api::add_protected(
      router, ctx, "GET", all, read,
      {.tag = kTag, .summary = "The caller's notes", .replies = {{200, "", "NoteList"}}},
      list_notes);
  api::add_protected(
      router, ctx, "POST", all, write,
      {.tag = kTag, .summary = "Write a note", .body = &kNoteBody, .replies = {{201, "", "Note"}}},
      create_note);
  api::add_protected(router, ctx, "GET", one, read,
                     {.tag = kTag,
                      .summary = "One of the caller's notes",
                      .replies = {{200, "", "Note"}},
                      .errors = {ErrorCode::kNotFound}},
                     get_note);
  api::add_protected(router, ctx, "PUT", one, write,
                     {.tag = kTag,
                      .summary = "Rewrite one of the caller's notes",
                      .body = &kNoteBody,
                      .replies = {{200, "", "Note"}},
                      .errors = {ErrorCode::kNotFound}},
                     update_note);
  api::add_protected(router, ctx, "DELETE", one, write,
                     {.tag = kTag,
                      .summary = "Delete one of the caller's notes",
                      .replies = {{204, "Deleted"}},
                      .errors = {ErrorCode::kNotFound}},
                     delete_note);
}

}  // namespace

}  // namespace notes

GATEHOUSE_EXTENSION(notes, {.scopes = {"notes:read", "notes:write"},
                            .sqlite_migrations = gatehouse::embedded_notes_sqlite_migrations,
                            .postgres_migrations = gatehouse::embedded_notes_postgres_migrations,
                            .routes = notes::register_notes_routes,
                            .schemas = {{"Note", notes::kNoteSchema},
                                        {"NoteList", notes::kNoteListSchema}}})
