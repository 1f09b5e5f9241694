#include "query/snippet.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace newsdex::query {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(HtmlEscapeTest, EscapesMarkupCharacters) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case kCases[] = {
      {"plain", "plain"},
      {"<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
      {"AT&T \"quoted\"", "AT&amp;T &quot;quoted&quot;"},
      {"Téhéran", "Téhéran"},
  };
  for (const Case& c : kCases) EXPECT_EQ(HtmlEscape(c.in), c.out) << c.in;
}

class SnippetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = core::Analyzer::Create();
    ASSERT_TRUE(a.ok());
    analyzer_ = *std::move(a);
  }
  std::unique_ptr<core::Analyzer> analyzer_;
};

TEST_F(SnippetTest, HighlightsStemMatchesAndEscapes) {
  HighlightSpec spec;
  spec.phrases = {{"negoti"}};
  const std::string s = MakeSnippet(*analyzer_, "<p>Negotiations & talks</p> met.", spec, true);
  EXPECT_EQ(s, "&lt;p&gt;<b>Negotiations</b> &amp; talks&lt;/p&gt; met.");
}

TEST_F(SnippetTest, HighlightsAPhraseAsOneSpanAndOnlyWhereItOccurs) {
  HighlightSpec spec;
  spec.phrases = {{"nuclear", "talk"}};
  const std::string s =
      MakeSnippet(*analyzer_, "Nuclear power. The nuclear  talks resumed; talks ended.", spec, true);
  EXPECT_THAT(s, HasSubstr("<b>nuclear talks</b>"));
  EXPECT_THAT(s, Not(HasSubstr("<b>Nuclear</b>")));
  EXPECT_THAT(s, Not(HasSubstr("<b>talks</b> ended")));
}

TEST_F(SnippetTest, HighlightsWildcardPrefixes) {
  HighlightSpec spec;
  spec.prefixes = {"nucle"};
  EXPECT_EQ(MakeSnippet(*analyzer_, "A nuclear nucleus, not a nuance.", spec, true),
            "A <b>nuclear</b> <b>nucleus</b>, not a nuance.");
}

TEST_F(SnippetTest, ChoosesTheWindowWithTheMostDistinctMatches) {
  std::string body;
  for (int i = 0; i < 100; ++i) body += "filler ";
  body += "iran here ";
  for (int i = 0; i < 100; ++i) body += "filler ";
  body += "iran and israel together ";
  for (int i = 0; i < 100; ++i) body += "filler ";
  HighlightSpec spec;
  spec.phrases = {{"iran"}, {"israel"}};
  const std::string s = MakeSnippet(*analyzer_, body, spec, true, 20);
  EXPECT_THAT(s, HasSubstr("<b>iran</b> and <b>israel</b> together"));
  EXPECT_TRUE(absl::string_view(s).substr(0, 4) == "\xE2\x80\xA6 ") << s;  // cut at the start
  EXPECT_THAT(s, HasSubstr(" \xE2\x80\xA6"));
}

TEST_F(SnippetTest, WithoutMatchesOrHighlightGivesTheOpeningWords) {
  HighlightSpec spec;
  spec.phrases = {{"absent"}};
  EXPECT_EQ(MakeSnippet(*analyzer_, "One two three four.", spec, true, 3), "One two three \xE2\x80\xA6");
  spec.phrases = {{"two"}};
  EXPECT_EQ(MakeSnippet(*analyzer_, "One two three.", spec, false), "One two three.");
  EXPECT_EQ(MakeSnippet(*analyzer_, "", spec, true), "");
  EXPECT_EQ(MakeSnippet(*analyzer_, "  One\n\n two.  \n", spec, true), "One <b>two</b>.");
}

}  // namespace
}  // namespace newsdex::query
