#pragma once
// The rules of notes: a user sees and changes only their own notes (anyone else's is "not
// found", so ids of other users' notes are not confirmed), and a note's text has limits.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/result.hpp"
#include "notes_repository.hpp"
#include "services/clock.hpp"

namespace notes {

inline constexpr std::size_t kTitleMax = 200;   // characters
inline constexpr std::size_t kBodyMax = 10000;  // characters
inline constexpr const char* kNoSuchNote = "Note not found";

class NotesService {
 public:
  NotesService(std::unique_ptr<NotesRepository> repo, gatehouse::services::Clock clock)
      : repo_(std::move(repo)), clock_(std::move(clock)) {}

  Result<std::vector<Note>> list(std::int64_t owner);
  Result<Note> get(std::int64_t owner, std::int64_t id);
  Result<Note> create(std::int64_t owner, const NoteText& text);
  Result<Note> update(std::int64_t owner, std::int64_t id, const NoteText& text);
  gatehouse::Status remove(std::int64_t owner, std::int64_t id);

 private:
  std::unique_ptr<NotesRepository> repo_;
  gatehouse::services::Clock clock_;
};

}  // namespace notes
