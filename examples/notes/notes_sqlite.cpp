// The SQLite NotesRepository: the store/sqlite helpers on the database's own pool, so a call
// made inside Database::in_transaction joins that transaction.
#include "notes_repository.hpp"
#include "store/sqlite/sqlite_query.hpp"

namespace notes {

namespace {

namespace sql = gatehouse::store::sqlite;
using gatehouse::Error;
using gatehouse::store::format_iso8601;

const std::string kColumns = kNoteColumns;
const std::string kList = "SELECT " + kColumns + " FROM notes WHERE user_id = ?1 ORDER BY id";
const std::string kFind = "SELECT " + kColumns + " FROM notes WHERE user_id = ?1 AND id = ?2";
const std::string kCreate =
    "INSERT INTO notes (user_id, title, body, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?4) RETURNING " +
    kColumns;
const std::string kUpdate =
    "UPDATE notes SET title = ?3, body = ?4, updated_at = ?5 WHERE user_id = ?1 AND id = ?2 "
    "RETURNING " +
    kColumns;
const std::string kRemove = "DELETE FROM notes WHERE user_id = ?1 AND id = ?2";

Result<Note> decode(const sql::Statement& row) { return decode_note(row); }

class SqliteNotes final : public NotesRepository {
 public:
  explicit SqliteNotes(sql::Pool& pool) : pool_(pool) {}

  Result<std::vector<Note>> list(std::int64_t user_id) override {
    return sql::fetch_all<Note>(pool_, kList, decode, user_id);
  }
  Result<std::optional<Note>> find(std::int64_t user_id, std::int64_t id) override {
    return sql::fetch_optional<Note>(pool_, kFind, decode, user_id, id);
  }
  Result<Note> create(std::int64_t user_id, const NoteText& text, Timestamp now) override {
    auto row = sql::fetch_optional<Note>(pool_, kCreate, decode, user_id, text.title, text.body,
                                         format_iso8601(now));
    if (!row) return row.error();
    if (!*row) return Error::internal("notes: INSERT returned no row");
    return std::move(**row);
  }
  Result<std::optional<Note>> update(std::int64_t user_id, std::int64_t id, const NoteText& text,
                                     Timestamp now) override {
    return sql::fetch_optional<Note>(pool_, kUpdate, decode, user_id, id, text.title, text.body,
                                     format_iso8601(now));
  }
  Result<bool> remove(std::int64_t user_id, std::int64_t id) override {
    auto changed = sql::execute(pool_, kRemove, user_id, id);
    if (!changed) return changed.error();
    return *changed > 0;
  }

 private:
  sql::Pool& pool_;
};

}  // namespace

std::unique_ptr<NotesRepository> make_sqlite_notes(gatehouse::store::Database& db) {
  return std::make_unique<SqliteNotes>(*db.sqlite_pool());
}

}  // namespace notes
