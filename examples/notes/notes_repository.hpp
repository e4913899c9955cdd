#pragma once
// Where notes are kept: one interface, a SQLite and a PostgreSQL implementation
// (notes_sqlite.cpp, notes_postgres.cpp), as the core repositories in src/store/. Every
// method is scoped to the owner, so no query can reach another user's note.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/database.hpp"
#include "store/time.hpp"

namespace notes {

using gatehouse::Result;
using gatehouse::store::Timestamp;

struct Note {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::string body;
  Timestamp created_at;
  Timestamp updated_at;
};

struct NoteText {
  std::string title;
  std::string body;
};

class NotesRepository {
 public:
  virtual ~NotesRepository() = default;
  virtual Result<std::vector<Note>> list(std::int64_t user_id) = 0;
  virtual Result<std::optional<Note>> find(std::int64_t user_id, std::int64_t id) = 0;
  virtual Result<Note> create(std::int64_t user_id, const NoteText& text, Timestamp now) = 0;
  // nullopt: no such note of this user.
  virtual Result<std::optional<Note>> update(std::int64_t user_id, std::int64_t id,
                                             const NoteText& text, Timestamp now) = 0;
  virtual Result<bool> remove(std::int64_t user_id, std::int64_t id) = 0;
};

// The columns decode_note() reads, in its order; the same on both backends.
inline constexpr const char* kNoteColumns = "id, user_id, title, body, created_at, updated_at";

// One row of kNoteColumns from either backend's row type (int64(col), text(col)), as
// src/store/row_decoding.hpp does for the core records: both backends decode alike.
template <class Row>
Result<Note> decode_note(const Row& row) {
  Note n;
  n.id = row.int64(0).value_or(0);
  n.user_id = row.int64(1).value_or(0);
  n.title = row.text(2);
  n.body = row.text(3);
  const auto created = gatehouse::store::parse_iso8601(row.text(4));
  const auto updated = gatehouse::store::parse_iso8601(row.text(5));
  if (!created || !updated) return gatehouse::Error::internal("notes: unreadable timestamp");
  n.created_at = *created;
  n.updated_at = *updated;
  return n;
}

// The implementation for `db`'s backend.
std::unique_ptr<NotesRepository> make_sqlite_notes(gatehouse::store::Database& db);
std::unique_ptr<NotesRepository> make_postgres_notes(gatehouse::store::Database& db);
inline std::unique_ptr<NotesRepository> make_notes_repository(gatehouse::store::Database& db) {
  return db.sqlite_pool() != nullptr ? make_sqlite_notes(db) : make_postgres_notes(db);
}

}  // namespace notes
