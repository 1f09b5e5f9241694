#include "core/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace newsdex::core::utf8 {
namespace {

TEST(Utf8Test, WellFormedSequencesHaveTheirLength) {
  EXPECT_EQ(SequenceLength("a", 0), 1u);
  EXPECT_EQ(SequenceLength("\xC3\xA9", 0), 2u);          // é
  EXPECT_EQ(SequenceLength("\xE2\x82\xAC", 0), 3u);      // €
  EXPECT_EQ(SequenceLength("\xF0\x9F\x98\x80", 0), 4u);  // U+1F600
  EXPECT_TRUE(IsValid("Gen\xC3\xA8ve \xE2\x82\xAC"));
  EXPECT_TRUE(IsValid(""));
}

TEST(Utf8Test, IllFormedSequencesAreRejectedWithTheirMaximalLength) {
  struct Case {
    std::string bytes;
    size_t bad;
  };
  const Case cases[] = {
      {"\xC0\xAF", 1},          // overlong lead byte
      {"\xE0\x80\x80", 1},      // overlong three-byte form
      {"\xED\xA0\x80", 1},      // surrogate
      {"\xF4\x90\x80\x80", 1},  // above U+10FFFF
      {"\xE2\x82", 2},          // truncated: one U+FFFD for both bytes
      {"\xF0\x9F\x98", 3},
      {"\x80", 1},              // lone continuation byte
      {"\xFF", 1},
  };
  for (const Case& c : cases) {
    size_t bad = 0;
    EXPECT_EQ(SequenceLength(c.bytes, 0, &bad), 0u) << c.bytes;
    EXPECT_EQ(bad, c.bad) << c.bytes;
    EXPECT_FALSE(IsValid(c.bytes));
  }
}

TEST(Utf8Test, DecodeGivesCodePointsAndReplacement) {
  char32_t cp = 0;
  EXPECT_EQ(Decode("\xC3\xA9", 0, &cp), 2u);
  EXPECT_EQ(cp, U'\u00E9');
  EXPECT_EQ(Decode("\xF0\x9F\x98\x80", 0, &cp), 4u);
  EXPECT_EQ(cp, U'\U0001F600');
  EXPECT_EQ(Decode("\xE2\x82x", 0, &cp), 2u);
  EXPECT_EQ(cp, kReplacement);
}

TEST(Utf8Test, AppendEncodesAndReplacesNonScalars) {
  std::string out;
  Append(U'A', &out);
  Append(U'\u00E9', &out);
  Append(U'\u20AC', &out);
  Append(U'\U0001F600', &out);
  EXPECT_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  out.clear();
  Append(0xD800, &out);
  Append(0x110000, &out);
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8Test, RepairReplacesEachMaximalIllFormedSubsequence) {
  EXPECT_EQ(Repair("a\xE2\x82z"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(Repair("\xFF\xFE"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(Repair("ok \xC3\xA9"), "ok \xC3\xA9");
}

}  // namespace
}  // namespace newsdex::core::utf8
