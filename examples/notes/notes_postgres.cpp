// The PostgreSQL NotesRepository: the store/postgres client of the database, so a call made
// inside Database::in_transaction joins that transaction.
#include "notes_repository.hpp"
#include "store/postgres/pg_client.hpp"
#include "store/postgres/pg_query.hpp"

namespace notes {

namespace {

namespace pg = gatehouse::store::postgres;
using gatehouse::Error;

const std::string kColumns = kNoteColumns;
const std::string kList = "SELECT " + kColumns + " FROM notes WHERE user_id = $1 ORDER BY id";
const std::string kFind = "SELECT " + kColumns + " FROM notes WHERE user_id = $1 AND id = $2";
const std::string kCreate =
    "INSERT INTO notes (user_id, title, body, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4::timestamptz, $4::timestamptz) RETURNING " +
    kColumns;
const std::string kUpdate =
    "UPDATE notes SET title = $3, body = $4, updated_at = $5::timestamptz "
    "WHERE user_id = $1 AND id = $2 RETURNING " +
    kColumns;
const std::string kRemove = "DELETE FROM notes WHERE user_id = $1 AND id = $2 RETURNING 1";

Result<Note> decode(const pg::PgRow& row) { return decode_note(row); }

class PostgresNotes final : public NotesRepository {
 public:
  explicit PostgresNotes(pg::PgClient& client) : client_(client) {}

  Result<std::vector<Note>> list(std::int64_t user_id) override {
    auto res = client_.query(kList, {pg::param(user_id)}, pg::Retry::kIdempotent);
    if (!res) return res.error();
    return pg::decode_all<Note>(*res, decode);
  }
  Result<std::optional<Note>> find(std::int64_t user_id, std::int64_t id) override {
    auto res = client_.query(kFind, {pg::param(user_id), pg::param(id)}, pg::Retry::kIdempotent);
    if (!res) return res.error();
    return pg::decode_first<Note>(*res, decode);
  }
  Result<Note> create(std::int64_t user_id, const NoteText& text, Timestamp now) override {
    // Not retried: a retry after an INSERT that did commit would add the note twice.
    auto res = client_.query(
        kCreate, {pg::param(user_id), pg::param(text.title), pg::param(text.body), pg::param(now)},
        pg::Retry::kNever);
    if (!res) return res.error();
    auto row = pg::decode_first<Note>(*res, decode);
    if (!row) return row.error();
    if (!*row) return Error::internal("notes: INSERT returned no row");
    return std::move(**row);
  }
  Result<std::optional<Note>> update(std::int64_t user_id, std::int64_t id, const NoteText& text,
                                     Timestamp now) override {
    auto res = client_.query(kUpdate,
                             {pg::param(user_id), pg::param(id), pg::param(text.title),
                              pg::param(text.body), pg::param(now)},
                             pg::Retry::kIdempotent);
    if (!res) return res.error();
    return pg::decode_first<Note>(*res, decode);
  }
  Result<bool> remove(std::int64_t user_id, std::int64_t id) override {
    auto res = client_.query(kRemove, {pg::param(user_id), pg::param(id)}, pg::Retry::kIdempotent);
    if (!res) return res.error();
    return res->rows() > 0;
  }

 private:
  pg::PgClient& client_;
};

}  // namespace

std::unique_ptr<NotesRepository> make_postgres_notes(gatehouse::store::Database& db) {
  return std::make_unique<PostgresNotes>(*db.postgres_client());
}

}  // namespace notes
