#include "core/flags.h"

#include <algorithm>
#include <iostream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace newsdex::core {
namespace {

// One "--name" or "--name=value" argument, its name spelled with hyphens.
struct FlagArgument {
  std::string name;
  std::string typed_name;  // as given, for messages
  std::string value;
  bool has_value = false;
};

FlagArgument SplitFlagArgument(absl::string_view arg) {
  FlagArgument out;
  const size_t eq = arg.find('=');
  out.typed_name = std::string(arg.substr(0, eq));
  if (eq != absl::string_view::npos) {
    out.value = std::string(arg.substr(eq + 1));
    out.has_value = true;
  }
  out.name = out.typed_name;
  std::replace(out.name.begin() + 2, out.name.end(), '_', '-');
  return out;
}

const Flag* FindFlag(const std::vector<Flag>& flags, absl::string_view name) {
  for (const Flag& f : flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const Flag* FindAlias(const std::vector<Flag>& flags, absl::string_view arg) {
  for (const Flag& f : flags) {
    if (!f.alias.empty() && f.alias == arg) return &f;
  }
  return nullptr;
}

// The value of `flag` given as `given`, taking argv[*i + 1] when the flag's
// value comes as the next argument.
absl::StatusOr<std::string> FlagValue(const Flag& flag, const FlagArgument& given, int argc,
                                      const char* const* argv, int* i) {
  switch (flag.arg) {
    case FlagArg::kNone:
      if (given.has_value) {
        return absl::InvalidArgumentError(absl::StrCat(flag.name, " takes no value"));
      }
      return std::string();
    case FlagArg::kRequired:
      if (given.has_value) return given.value;
      if (*i + 1 >= argc) {
        return absl::InvalidArgumentError(absl::StrCat(flag.name, " needs a value"));
      }
      return std::string(argv[++*i]);
    case FlagArg::kOptional:
      if (given.has_value) return given.value;
      if (*i + 1 < argc && argv[*i + 1][0] != '-') return std::string(argv[++*i]);
      return std::string();
  }
  return std::string();
}

FlagsParsed Help(const FlagOptions& options) {
  std::cout << options.usage;
  return FlagsParsed::kHelp;
}

Flag MakeFlag(absl::string_view name, FlagArg arg,
              std::function<absl::Status(absl::string_view)> set) {
  Flag flag;
  flag.name = std::string(name);
  flag.arg = arg;
  flag.set = std::move(set);
  return flag;
}

}  // namespace

Flag SwitchFlag(absl::string_view name, bool* target, bool value) {
  return MakeFlag(name, FlagArg::kNone, [target, value](absl::string_view) {
    *target = value;
    return absl::OkStatus();
  });
}

Flag TextFlag(absl::string_view name, std::string* target) {
  return MakeFlag(name, FlagArg::kRequired, [target](absl::string_view value) {
    *target = std::string(value);
    return absl::OkStatus();
  });
}

Flag RepeatedFlag(absl::string_view name, std::vector<std::string>* target) {
  return MakeFlag(name, FlagArg::kRequired, [target](absl::string_view value) {
    target->emplace_back(value);
    return absl::OkStatus();
  });
}

Flag NumberFlag(absl::string_view name, int min, int max, std::function<void(int)> set) {
  const std::string range = max == std::numeric_limits<int>::max()
                                ? absl::StrCat(">= ", min)
                                : absl::StrCat("in [", min, ", ", max, "]");
  return MakeFlag(name, FlagArg::kRequired,
                  [flag = std::string(name), range, min, max,
                   set = std::move(set)](absl::string_view value) {
                    int n = 0;
                    if (!absl::SimpleAtoi(value, &n) || n < min || n > max) {
                      return absl::InvalidArgumentError(absl::StrCat(
                          flag, ": expected a whole number ", range, ", got \"", value, "\""));
                    }
                    set(n);
                    return absl::OkStatus();
                  });
}

Flag NumberFlag(absl::string_view name, int min, int* target, int max) {
  return NumberFlag(name, min, max, [target](int n) { *target = n; });
}

Flag CustomFlag(absl::string_view name, std::function<absl::Status(absl::string_view)> set) {
  return MakeFlag(name, FlagArg::kRequired, std::move(set));
}

Flag WithAlias(Flag flag, absl::string_view alias) {
  flag.alias = std::string(alias);
  return flag;
}

absl::StatusOr<FlagsParsed> ParseFlags(
    int argc, const char* const* argv, const std::vector<Flag>& flags,
    const std::function<absl::Status(absl::string_view)>& positional,
    const FlagOptions& options) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) {
        if (absl::Status s = positional(argv[i]); !s.ok()) return s;
      }
      break;
    }
    if (arg == "-h" && options.short_help) return Help(options);
    const Flag* flag = FindAlias(flags, arg);
    FlagArgument given;
    if (flag == nullptr && absl::StartsWith(arg, "--")) {
      given = SplitFlagArgument(arg);
      if (given.name == "--help") return Help(options);
      flag = FindFlag(flags, given.name);
      if (flag == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown flag ", given.typed_name, " (see --help)"));
      }
    }
    if (flag == nullptr) {
      const bool dash_word = arg.size() > 1 && arg[0] == '-';
      if (dash_word && !options.dash_words_are_positional) {
        return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg, " (see --help)"));
      }
      if (absl::Status s = positional(arg); !s.ok()) return s;
      continue;
    }
    absl::StatusOr<std::string> value = FlagValue(*flag, given, argc, argv, &i);
    if (!value.ok()) return value.status();
    if (absl::Status s = flag->set(*value); !s.ok()) return s;
  }
  return FlagsParsed::kOk;
}

int ReportUsageError(absl::string_view program, const absl::Status& status) {
  std::cerr << program << ": " << status.message() << "\n";
  return kUsageErrorExit;
}

}  // namespace newsdex::core
