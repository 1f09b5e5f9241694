#include "core/flags.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace newsdex::core {
namespace {

// The flags of a small program, and what a parse made of them, rendered as
// one readable line: "db=D n=3 quiet=1 tags=a,b ids=x args=p,q", "help", or
// the error message.
struct Parsed {
  std::string db;
  int n = 0;
  bool quiet = false;
  std::vector<std::string> tags;
  bool delete_mode = false;
  std::vector<std::string> ids;
  std::vector<std::string> args;
};

std::string Parse(std::vector<std::string> words, const FlagOptions& options) {
  Parsed p;
  Flag del;
  del.name = "--delete";
  del.arg = FlagArg::kOptional;
  del.set = [&p](absl::string_view id) {
    p.delete_mode = true;
    if (!id.empty()) p.ids.emplace_back(id);
    return absl::OkStatus();
  };
  const std::vector<Flag> flags = {
      TextFlag("--db-path", &p.db),
      NumberFlag("--n", 1, &p.n, 10),
      WithAlias(SwitchFlag("--quiet", &p.quiet), "-q"),
      RepeatedFlag("--tag", &p.tags),
      del,
  };
  auto positional = [&p](absl::string_view arg) {
    (p.delete_mode ? p.ids : p.args).emplace_back(arg);
    return absl::OkStatus();
  };
  words.insert(words.begin(), "program");
  std::vector<const char*> argv;
  for (const std::string& w : words) argv.push_back(w.c_str());
  absl::StatusOr<FlagsParsed> r =
      ParseFlags(static_cast<int>(argv.size()), argv.data(), flags, positional, options);
  if (!r.ok()) return std::string(r.status().message());
  if (*r == FlagsParsed::kHelp) return "help";
  return absl::StrCat("db=", p.db, " n=", p.n, " quiet=", p.quiet, " tags=",
                      absl::StrJoin(p.tags, ","), " ids=", absl::StrJoin(p.ids, ","),
                      " args=", absl::StrJoin(p.args, ","));
}

TEST(FlagsTest, ParsesEachSpelling) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const Case cases[] = {
      {{}, "db= n=0 quiet=0 tags= ids= args="},
      {{"--db-path", "D", "--n", "3"}, "db=D n=3 quiet=0 tags= ids= args="},
      {{"--db-path=D", "--n=3"}, "db=D n=3 quiet=0 tags= ids= args="},
      {{"--db_path", "D"}, "db=D n=0 quiet=0 tags= ids= args="},
      {{"--db_path=a_b"}, "db=a_b n=0 quiet=0 tags= ids= args="},
      {{"--db-path="}, "db= n=0 quiet=0 tags= ids= args="},
      {{"--db-path", "-"}, "db=- n=0 quiet=0 tags= ids= args="},
      {{"--quiet"}, "db= n=0 quiet=1 tags= ids= args="},
      {{"-q"}, "db= n=0 quiet=1 tags= ids= args="},
      {{"--tag", "a", "--tag=b, c"}, "db= n=0 quiet=0 tags=a,b, c ids= args="},
      {{"p", "--quiet", "q"}, "db= n=0 quiet=1 tags= ids= args=p,q"},
      {{"-", ""}, "db= n=0 quiet=0 tags= ids= args=-,"},
      {{"--", "--quiet", "-x"}, "db= n=0 quiet=0 tags= ids= args=--quiet,-x"},
      {{"p", "--delete", "x", "y"}, "db= n=0 quiet=0 tags= ids=x,y args=p"},
      {{"--delete=x", "y"}, "db= n=0 quiet=0 tags= ids=x,y args="},
      {{"--delete", "-q", "y"}, "db= n=0 quiet=1 tags= ids=y args="},
      {{"--help"}, "help"},
      {{"-h", "--bogus"}, "help"},
      {{"--bogus", "--help"}, "unknown flag --bogus (see --help)"},
      {{"--bo_gus=1"}, "unknown flag --bo_gus (see --help)"},
      {{"-x"}, "unknown flag -x (see --help)"},
      {{"--db-path"}, "--db-path needs a value"},
      {{"--quiet=1"}, "--quiet takes no value"},
      {{"--n", "x"}, "--n: expected a whole number in [1, 10], got \"x\""},
      {{"--n", "11"}, "--n: expected a whole number in [1, 10], got \"11\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Parse(c.args, FlagOptions()), c.expected) << absl::StrJoin(c.args, " ");
  }
}

TEST(FlagsTest, DashWordsCanBePositional) {
  FlagOptions options;
  options.short_help = false;
  options.dash_words_are_positional = true;
  EXPECT_EQ(Parse({"oil", "-opec", "-h", "-q"}, options),
            "db= n=0 quiet=1 tags= ids= args=oil,-opec,-h");
  EXPECT_EQ(Parse({"--bogus"}, options), "unknown flag --bogus (see --help)");
}

TEST(FlagsTest, NumberFlagWithoutUpperBoundSaysSo) {
  int n = 0;
  const std::vector<Flag> flags = {NumberFlag("--batch", 1, &n)};
  const char* argv[] = {"program", "--batch", "0"};
  absl::StatusOr<FlagsParsed> r =
      ParseFlags(3, argv, flags, [](absl::string_view) { return absl::OkStatus(); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "--batch: expected a whole number >= 1, got \"0\"");
}

}  // namespace
}  // namespace newsdex::core
