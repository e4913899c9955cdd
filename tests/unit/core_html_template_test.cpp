// render_template / html_escape: the tiny `{{ name }}` template language of the HTML pages.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/html_template.hpp"

namespace gatehouse {
namespace {

TEST(HtmlEscapeTest, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(html_escape("&<>\"'"), "&amp;&lt;&gt;&quot;&#x27;");
  EXPECT_EQ(html_escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;");
  EXPECT_EQ(html_escape("a&amp;b"), "a&amp;amp;b");
  EXPECT_EQ(html_escape(""), "");
  EXPECT_EQ(html_escape("plain text / caf\xC3\xA9 {{x}}"), "plain text / caf\xC3\xA9 {{x}}");
}

TEST(RenderTemplateTest, SubstitutesWithAndWithoutSpaces) {
  const std::map<std::string, std::string> vars{{"name", "World"}, {"n", "2"}};
  EXPECT_EQ(render_template("Hello {{ name }}!", vars), "Hello World!");
  EXPECT_EQ(render_template("Hello {{name}}!", vars), "Hello World!");
  EXPECT_EQ(render_template("Hello {{   name  }}!", vars), "Hello World!");
  EXPECT_EQ(render_template("{{name}}{{ n }}{{name}}", vars), "World2World");
  EXPECT_EQ(render_template("{{ name }}", vars), "World");
}

TEST(RenderTemplateTest, TextWithoutPlaceholdersIsUnchanged) {
  EXPECT_EQ(render_template("", {}), "");
  EXPECT_EQ(render_template("no placeholders { } }} here", {{"x", "y"}}),
            "no placeholders { } }} here");
}

TEST(RenderTemplateTest, UnknownNamesRenderEmpty) {
  const std::map<std::string, std::string> vars{{"name", "World"}};
  EXPECT_EQ(render_template("[{{ missing }}]", vars), "[]");
  EXPECT_EQ(render_template("[{{}}]", vars), "[]");
  EXPECT_EQ(render_template("[{{ Name }}]", vars), "[]");  // names are case-sensitive
  EXPECT_EQ(render_template("a{{ missing }}b{{ name }}c", vars), "abWorldc");
}

TEST(RenderTemplateTest, ValuesAreHtmlEscaped) {
  const std::map<std::string, std::string> vars{{"title", "<b>Tom & \"Jerry\"</b>"},
                                                {"attr", "x' onmouseover='alert(1)"}};
  EXPECT_EQ(render_template("<h1>{{ title }}</h1>", vars),
            "<h1>&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;</h1>");
  EXPECT_EQ(render_template("<a title='{{attr}}'>", vars),
            "<a title='x&#x27; onmouseover=&#x27;alert(1)'>");
}

TEST(RenderTemplateTest, ValuesAreNotRenderedAgain) {
  const std::map<std::string, std::string> vars{{"a", "{{ b }}"}, {"b", "SECRET"}};
  EXPECT_EQ(render_template("{{ a }}", vars), "{{ b }}");
}

TEST(RenderTemplateTest, UnterminatedPlaceholderIsLeftAsIs) {
  const std::map<std::string, std::string> vars{{"name", "World"}};
  EXPECT_EQ(render_template("Hello {{ name", vars), "Hello {{ name");
  EXPECT_EQ(render_template("{{ name }} and {{ name", vars), "World and {{ name");
  EXPECT_EQ(render_template("{{", vars), "{{");
  EXPECT_EQ(render_template("x {{ name }", vars), "x {{ name }");
}

TEST(RenderTemplateTest, TemplateTextIsNotEscaped) {
  EXPECT_EQ(render_template("<p class=\"x\">&copy; {{ y }}</p>", {{"y", "2024"}}),
            "<p class=\"x\">&copy; 2024</p>");
}

}  // namespace
}  // namespace gatehouse
