#pragma once
// One declaration per setting (internal to src/config): its name, where it lives in
// Settings, how it is parsed and range-checked, whether it is secret, and one line of
// documentation. The declarations drive loading, the unknown-key warnings, `config check`
// and the generated table in docs/configuration.md, so a new setting needs a member in
// settings.hpp and one line in its group (load_*.cpp), nothing else.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "config/reader.hpp"
#include "config/settings.hpp"
#include "config/text.hpp"

namespace gatehouse::config::detail {

// How `config check` shows a value.
enum class Display {
  kPlain,
  kSecret,       // "****" when set, empty when not
  kUrlPassword,  // the URL with its password masked
  kHidden,       // not listed: the variable only feeds another setting, or is ignored
};

struct SettingSpec {
  std::string_view name;
  std::string_view doc;      // one line for docs/configuration.md (Markdown)
  std::string accepts;       // what the parser takes, e.g. "1..65535"; empty = any text
  std::string default_text;  // for the docs (Markdown); empty = the value of a default Settings
  Display display = Display::kPlain;
  // Reads and checks the variable; null when the group's rule reads it, or nothing does.
  std::function<void(VariableReader&, Settings&)> load;
  // The effective value, unmasked; null when the variable has no value of its own.
  std::function<std::string(const Settings&)> value;

  SettingSpec secret() && {
    display = Display::kSecret;
    return std::move(*this);
  }
  SettingSpec url_with_password() && {
    display = Display::kUrlPassword;
    return std::move(*this);
  }
  // When the default depends on other settings or the machine, say how.
  SettingSpec default_is(std::string text) && {
    default_text = std::move(text);
    return std::move(*this);
  }
};

// The value as `config check` prints it: secrets masked.
std::string displayed_value(const SettingSpec& spec, const Settings& s);

// The settings of one area, in `config check` order, and the rules that span them.
struct SettingGroup {
  std::string_view title;  // heading in the docs table
  std::vector<SettingSpec> settings;
  // Runs after the group's settings are loaded: checks that involve several settings, and
  // the variables whose declaration leaves reading to it (see Section::by_rule).
  void (*rule)(VariableReader&, Settings&) = nullptr;
};

// Every group, in loading and `config check` order.
const std::vector<SettingGroup>& setting_groups();

// Display texts of the member types.
std::string to_text(const std::string& v);
std::string to_text(bool v);
std::string to_text(int v);
std::string to_text(std::uint64_t v);
std::string to_text(const std::vector<std::string>& v);  // comma-joined
std::string to_text(Environment v);

enum class LetterCase { kLower, kUpper };
// One of `choices`, compared case-insensitively (surrounding blanks trimmed) and stored in
// the choices' case; an empty value counts as not set.
void read_choice(VariableReader& r, std::string_view name, LetterCase letter_case,
                 const std::vector<std::string_view>& choices, std::string& out);

// Checks run after a variable is read (whether it was set or not). They report through
// `r`, naming `name`.
template <class T>
using Check = void (*)(VariableReader& r, std::string_view name, const T& value);
void not_empty(VariableReader& r, std::string_view name, const std::string& value);

// A Section::parsed parser for text where an empty value counts as not set.
void parse_nonempty(VariableReader& r, std::string_view name, const std::string& raw,
                    std::string& out);

// Builds the declarations of the settings that live in `S` (a section of Settings, or
// Settings itself for the top-level ones).
template <class S>
class Section {
 public:
  // Parsers of a raw value that is set (possibly empty); they report and leave `out`
  // alone when it is invalid.
  template <class T>
  using Parse = void (*)(VariableReader& r, std::string_view name, const std::string& raw, T& out);

  Section() requires std::is_same_v<S, Settings>
  = default;
  explicit Section(S Settings::*member) : member_(member) {}

  // Any text; an empty value is taken as is.
  SettingSpec text(std::string_view name, std::string S::*field, std::string_view doc,
                   Check<std::string> check = nullptr) const {
    return with_field(name, doc, "", field,
                      [name, field, check, self = *this](VariableReader& r, Settings& s) {
                        std::string& out = self.of(s).*field;
                        r.read_string(name, out);
                        if (check != nullptr) check(r, name, out);
                      });
  }

  SettingSpec flag(std::string_view name, bool S::*field, std::string_view doc) const {
    return with_field(name, doc, "`true`, `false`", field,
                      [name, field, self = *this](VariableReader& r, Settings& s) {
                        r.read_bool(name, self.of(s).*field);
                      });
  }

  template <class T>
  SettingSpec integer(std::string_view name, T S::*field, std::int64_t min, std::int64_t max,
                      std::string_view doc) const {
    static_assert(std::is_same_v<T, int> || std::is_same_v<T, std::uint64_t>);
    return with_field(name, doc, std::to_string(min) + ".." + std::to_string(max), field,
                      [name, field, min, max, self = *this](VariableReader& r, Settings& s) {
                        if constexpr (std::is_same_v<T, int>) {
                          r.read_int(name, min, max, self.of(s).*field);
                        } else {
                          r.read_uint64(name, min, max, self.of(s).*field);
                        }
                      });
  }

  // Comma list: items trimmed, empty items dropped.
  SettingSpec list(std::string_view name, std::vector<std::string> S::*field, std::string_view doc,
                   Check<std::vector<std::string>> check = nullptr) const {
    return with_field(name, doc, "comma list", field,
                      [name, field, check, self = *this](VariableReader& r, Settings& s) {
                        std::vector<std::string>& out = self.of(s).*field;
                        if (const std::string* raw = r.find(name)) out = split_list(*raw);
                        if (check != nullptr) check(r, name, out);
                      });
  }

  SettingSpec choice(std::string_view name, std::string S::*field, LetterCase letter_case,
                     std::initializer_list<std::string_view> choices, std::string_view doc) const {
    std::string accepts;
    for (std::string_view c : choices)
      accepts += (accepts.empty() ? "`" : ", `") + std::string(c) + "`";
    return with_field(
        name, doc, std::move(accepts), field,
        [name, field, letter_case, list = std::vector<std::string_view>(choices), self = *this](
            auto& r, auto& s) { read_choice(r, name, letter_case, list, self.of(s).*field); });
  }

  // A value with its own syntax, parsed by `parse` when the variable is set.
  template <class T>
  SettingSpec parsed(std::string_view name, T S::*field, Parse<T> parse, std::string accepts,
                     std::string_view doc) const {
    return with_field(name, doc, std::move(accepts), field,
                      [name, field, parse, self = *this](VariableReader& r, Settings& s) {
                        if (const std::string* raw = r.find(name)) {
                          parse(r, name, *raw, self.of(s).*field);
                        }
                      });
  }

  // A value that sets several fields of the section: `parse` stores them, `show` renders
  // the effective value.
  SettingSpec custom(
      std::string_view name,
      std::function<void(VariableReader&, std::string_view, const std::string&, S&)> parse,
      std::function<std::string(const S&)> show, std::string accepts, std::string_view doc) const {
    SettingSpec spec{name, doc, std::move(accepts)};
    spec.load = [name, parse, self = *this](VariableReader& r, Settings& s) {
      if (const std::string* raw = r.find(name)) parse(r, name, *raw, self.of(s));
    };
    spec.value = [show, self = *this](const Settings& s) { return show(self.of(s)); };
    return spec;
  }

  // A setting the group's rule reads (it depends on other settings); shown like the others.
  template <class T>
  SettingSpec by_rule(std::string_view name, T S::*field, std::string accepts,
                      std::string_view doc) const {
    SettingSpec spec{name, doc, std::move(accepts)};
    spec.value = [field, self = *this](const Settings& s) { return to_text(self.of(s).*field); };
    return spec;
  }

 private:
  template <class T, class Load>
  SettingSpec with_field(std::string_view name, std::string_view doc, std::string accepts,
                         T S::*field, Load load) const {
    SettingSpec spec{name, doc, std::move(accepts)};
    spec.load = std::move(load);
    spec.value = [field, self = *this](const Settings& s) { return to_text(self.of(s).*field); };
    return spec;
  }

  S& of(Settings& s) const {
    if constexpr (std::is_same_v<S, Settings>) {
      return s;
    } else {
      return s.*member_;
    }
  }
  const S& of(const Settings& s) const {
    if constexpr (std::is_same_v<S, Settings>) {
      return s;
    } else {
      return s.*member_;
    }
  }

  S Settings::*member_ = nullptr;
};

// A variable that is read by its group's rule only to build another setting, or accepted
// and ignored: documented, not shown by `config check`.
SettingSpec documented_only(std::string_view name, std::string_view doc,
                            std::string default_text = "");

}  // namespace gatehouse::config::detail
