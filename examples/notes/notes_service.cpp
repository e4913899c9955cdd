#include "notes_service.hpp"

namespace notes {

using gatehouse::Error;
using gatehouse::ok;
using gatehouse::Status;

Result<std::vector<Note>> NotesService::list(std::int64_t owner) { return repo_->list(owner); }

Result<Note> NotesService::get(std::int64_t owner, std::int64_t id) {
  auto note = repo_->find(owner, id);
  if (!note) return note.error();
  if (!*note) return Error::not_found(kNoSuchNote);
  return std::move(**note);
}

Result<Note> NotesService::create(std::int64_t owner, const NoteText& text) {
  return repo_->create(owner, text, clock_());
}

Result<Note> NotesService::update(std::int64_t owner, std::int64_t id, const NoteText& text) {
  auto note = repo_->update(owner, id, text, clock_());
  if (!note) return note.error();
  if (!*note) return Error::not_found(kNoSuchNote);
  return std::move(**note);
}

Status NotesService::remove(std::int64_t owner, std::int64_t id) {
  auto removed = repo_->remove(owner, id);
  if (!removed) return removed.error();
  if (!*removed) return Error::not_found(kNoSuchNote);
  return ok();
}

}  // namespace notes
