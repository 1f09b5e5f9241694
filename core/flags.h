// Command-line flags of the three programs (newsdex-index, newsdex-search,
// newsdexd): one parser, so that every program spells, reads and rejects flags
// the same way. Each program lists its flags in a table of `Flag`s and hands
// the table to ParseFlags.
//
// What ParseFlags accepts, in every program:
//   --name VALUE and --name=VALUE    for a flag that takes a value;
//   --name                           for a flag that takes none (--name=VALUE
//                                    is an error);
//   --admin_token                    the same as --admin-token: underscores and
//                                    hyphens are one in a flag's name;
//   --help (and -h where allowed)    prints the program's usage on stdout and
//                                    stops parsing: ParseFlags returns kHelp;
//   --                               the end of the flags: every argument after
//                                    it is a positional argument;
//   anything else                    a positional argument, handed over in its
//                                    place among the flags. An argument that
//                                    starts with "-" (but is not "-") is an
//                                    unknown flag unless the program takes
//                                    such words as arguments.
// A flag given twice is set twice: a RepeatedFlag collects every value, the
// others keep the last one.
//
// Why not Abseil's flags (the tools use them, where none of this matters):
// absl::ParseCommandLine (Abseil 20220623) ends the process with status 1 on a
// bad flag, where our programs answer a usage error with status 2; it reads
// "-word" as a flag, where newsdex-search reads it as a NOT word of the query;
// it returns the positional arguments apart from the flags, where
// newsdex-index's --delete changes what the arguments after it are; and a
// repeated flag replaces its earlier value, where --country X --country Y
// filters on both.
//
// Thread-safety: none needed; call from main() before any thread starts.
#ifndef NEWSDEX_CORE_FLAGS_H_
#define NEWSDEX_CORE_FLAGS_H_

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsdex::core {

// What a flag does with the argument after it.
enum class FlagArg {
  kNone,      // --name; --name=VALUE is an error
  kRequired,  // --name VALUE or --name=VALUE
  // --name alone, --name=VALUE, or --name VALUE when VALUE does not start
  // with "-" (newsdex-index's --delete ID).
  kOptional,
};

struct Flag {
  std::string name;  // spelled with hyphens: "--admin-token"
  FlagArg arg = FlagArg::kRequired;
  // Called with the flag's value ("" when there is none). An error is the
  // parse's error, as it is: its message names the flag and the bad value.
  std::function<absl::Status(absl::string_view value)> set;
  std::string alias;  // one more exact spelling ("-q", "stats"); "" = none
};

// A flag without a value that sets *target to `value`.
Flag SwitchFlag(absl::string_view name, bool* target, bool value = true);

// A flag whose value is stored in *target.
Flag TextFlag(absl::string_view name, std::string* target);

// A flag that may be given many times; each value is appended to *target.
Flag RepeatedFlag(absl::string_view name, std::vector<std::string>* target);

// A flag whose value is a whole number in [min, max], handed to `set`. A value
// that is not one fails with `--name: expected a whole number >= MIN, got "V"`
// (or "in [MIN, MAX]" when max is not the largest int).
Flag NumberFlag(absl::string_view name, int min, int max, std::function<void(int)> set);
Flag NumberFlag(absl::string_view name, int min, int* target,
                int max = std::numeric_limits<int>::max());

// A flag with its own handling of the value.
Flag CustomFlag(absl::string_view name, std::function<absl::Status(absl::string_view)> set);

// `flag`, also spelled exactly `alias` ("-q" for --quiet).
Flag WithAlias(Flag flag, absl::string_view alias);

struct FlagOptions {
  // What --help prints.
  absl::string_view usage;
  // "-h" asks for help as "--help" does.
  bool short_help = true;
  // An argument such as "-opec" is a positional argument, not an unknown flag
  // (newsdex-search: a word the query must not contain).
  bool dash_words_are_positional = false;
};

enum class FlagsParsed { kOk, kHelp };

// Parses argv[1..argc) as the file comment says: calls each flag's `set` and
// `positional` in the order the arguments come. Returns kHelp as soon as
// --help is seen, kOk when every argument was taken. kInvalidArgument for an
// unknown flag ("unknown flag --bogus (see --help)"), a missing value ("--db
// needs a value"), a value given to a flag that takes none ("--json takes no
// value"), or the first error of a `set` or of `positional`.
absl::StatusOr<FlagsParsed> ParseFlags(
    int argc, const char* const* argv, const std::vector<Flag>& flags,
    const std::function<absl::Status(absl::string_view)>& positional,
    const FlagOptions& options = {});

// The exit status of a usage error in every newsdex program.
inline constexpr int kUsageErrorExit = 2;

// Prints "PROGRAM: MESSAGE" on stderr and returns kUsageErrorExit.
int ReportUsageError(absl::string_view program, const absl::Status& status);

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_FLAGS_H_
