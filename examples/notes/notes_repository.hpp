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

// The implementation for `db`'s backend.
std::unique_ptr<NotesRepository> make_sqlite_notes(gatehouse::store::Database& db);
std::unique_ptr<NotesRepository> make_postgres_notes(gatehouse::store::Database& db);
inline std::unique_ptr<NotesRepository> make_notes_repository(gatehouse::store::Database& db) {
  return db.sqlite_pool() != nullptr ? make_sqlite_notes(db) : make_postgres_notes(db);
}

}  // namespace notes
