// The settings table in docs/configuration.md is the one rendered from the declarations,
// and every declaration is complete. GATEHOUSE_UPDATE_DOCS=1 rewrites the table instead.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "config/reference.hpp"
#include "config/setting_spec.hpp"

namespace gatehouse::config {
namespace {

namespace fs = std::filesystem;

const fs::path kDoc = fs::path(__FILE__).parent_path() / "../../docs/configuration.md";

std::string read_doc() {
  std::ifstream in(kDoc, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SettingsReferenceTest, DocsTableIsUpToDate) {
  const std::string doc = read_doc();
  ASSERT_FALSE(doc.empty()) << "cannot read " << kDoc;
  const std::size_t begin = doc.find(kReferenceBegin);
  const std::size_t end = doc.find(kReferenceEnd);
  ASSERT_NE(begin, std::string::npos) << kDoc << " lacks " << kReferenceBegin;
  ASSERT_NE(end, std::string::npos) << kDoc << " lacks " << kReferenceEnd;
  ASSERT_LT(begin, end);
  const std::size_t body = begin + kReferenceBegin.size();
  const std::string rendered = "\n" + settings_reference_markdown() + "\n";

  const char* update = std::getenv("GATEHOUSE_UPDATE_DOCS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(kDoc, std::ios::binary) << doc.substr(0, body) << rendered << doc.substr(end);
    GTEST_SKIP() << "rewrote the settings table in " << kDoc;
  }
  EXPECT_EQ(doc.substr(body, end - body), rendered)
      << "The settings table in docs/configuration.md is stale. Regenerate it with\n"
         "  GATEHOUSE_UPDATE_DOCS=1 ctest --test-dir build/debug -R config_reference_test\n"
         "and commit the result.";
}

TEST(SettingsReferenceTest, EveryDeclarationIsNamedOnceAndDocumented) {
  std::set<std::string_view> names;
  for (const detail::SettingGroup& group : detail::setting_groups()) {
    EXPECT_FALSE(group.title.empty());
    for (const detail::SettingSpec& spec : group.settings) {
      EXPECT_TRUE(names.insert(spec.name).second) << "declared twice: " << spec.name;
      EXPECT_FALSE(spec.doc.empty()) << spec.name << " has no documentation";
      EXPECT_EQ(spec.doc.find('\n'), std::string_view::npos) << spec.name;
    }
  }
}

}  // namespace
}  // namespace gatehouse::config
