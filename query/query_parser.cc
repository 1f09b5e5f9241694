#include "query/query_parser.h"

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/article.h"
#include "core/schema.h"
#include "core/status_macros.h"
#include "query/date_query.h"

namespace newsdex::query {
namespace {

using core::FieldId;
using core::FieldKind;

enum class TokenKind {
  kEnd,
  kWord,     // text: the raw word
  kPhrase,   // text: inside the quotes
  kLParen,
  kRParen,
  kPlus,
  kMinus,
  kAnd,
  kOr,
  kNot,
  kNear,     // distance in `distance`
  kAdj,
  kField,    // text: the field's query name; the value follows directly
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  size_t begin = 0, end = 0;  // byte range in the query
  int distance = kDefaultNearDistance;
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// U+201C and U+201D (curly double quotes) are accepted as '"'.
size_t QuoteLength(absl::string_view s, size_t i) {
  if (s[i] == '"') return 1;
  if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 &&
      static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(s[i + 2]) == 0x9C ||
       static_cast<unsigned char>(s[i + 2]) == 0x9D))
    return 3;
  return 0;
}

bool IsDelimiter(absl::string_view s, size_t i) {
  return IsSpace(s[i]) || s[i] == '(' || s[i] == ')' || QuoteLength(s, i) > 0;
}

std::string Where(size_t byte_offset) { return absl::StrCat("query:", byte_offset + 1, ": "); }

absl::Status ErrorAt(size_t byte_offset, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(Where(byte_offset), message));
}

// The phrase at s[i], whose opening quote is `quote` bytes long, up to the
// next quote of either kind.
absl::StatusOr<Token> LexPhrase(absl::string_view s, size_t i, size_t quote) {
  const size_t first = i + quote;
  for (size_t k = first; k < s.size(); ++k) {
    if (const size_t close = QuoteLength(s, k); close > 0) {
      Token t;
      t.kind = TokenKind::kPhrase;
      t.text = std::string(s.substr(first, k - first));
      t.begin = i;
      t.end = k + close;
      return t;
    }
  }
  return ErrorAt(i, "unterminated phrase (missing '\"')");
}

// Whether the '+' or '-' at s[i] is an operator on the term that follows.
bool IsSignOperator(absl::string_view s, size_t i, bool term_start) {
  return (s[i] == '+' || s[i] == '-') && term_start && i + 1 < s.size() && !IsSpace(s[i + 1]) &&
         s[i + 1] != ')' && s[i + 1] != '+' && s[i + 1] != '-';
}

// Makes `t` (a word) an operator when it spells one: AND, OR, NOT, NEAR[/n]
// or ADJ[/n]. Fails for a bad distance.
absl::Status ClassifyWord(Token& t) {
  const std::string& w = t.text;
  t.kind = TokenKind::kWord;
  if (w == "AND" || w == "&&") {
    t.kind = TokenKind::kAnd;
  } else if (w == "OR" || w == "||") {
    t.kind = TokenKind::kOr;
  } else if (w == "NOT") {
    t.kind = TokenKind::kNot;
  } else if (w == "NEAR" || w == "ADJ" || absl::StartsWith(w, "NEAR/") ||
             absl::StartsWith(w, "ADJ/")) {
    const size_t slash = w.find('/');
    int distance = kDefaultNearDistance;
    if (slash != std::string::npos &&
        (!absl::SimpleAtoi(w.substr(slash + 1), &distance) || distance < 0 || distance > 1000)) {
      return ErrorAt(t.begin, absl::StrCat("bad distance in \"", w,
                                           "\" (expected NEAR/n or ADJ/n, n in 0..1000)"));
    }
    t.kind = absl::StartsWith(w, "NEAR") ? TokenKind::kNear : TokenKind::kAdj;
    t.distance = distance;
  }
  return absl::OkStatus();
}

// The word at s[i], up to the next delimiter, or a field name and its colon
// ("title:", the value follows directly). Fails for a field without a value.
absl::StatusOr<Token> LexWord(absl::string_view s, size_t i) {
  Token t;
  t.begin = i;
  size_t j = i;
  for (; j < s.size() && !IsDelimiter(s, j); ++j) {
    if (s[j] != ':' || j == i) continue;
    std::string name = absl::AsciiStrToLower(s.substr(i, j - i));
    if (core::FindFieldByQueryName(name) == nullptr) continue;
    if (j + 1 >= s.size() || IsSpace(s[j + 1]) || s[j + 1] == ')') {
      return ErrorAt(i, absl::StrCat("field ", name, ": needs a value"));
    }
    t.kind = TokenKind::kField;
    t.text = std::move(name);
    t.end = j + 1;
    return t;
  }
  t.text = std::string(s.substr(i, j - i));
  t.end = j;
  NEWSDEX_RETURN_IF_ERROR(ClassifyWord(t));
  return t;
}

// Splits the query into tokens. Fails for an unterminated phrase, a field
// without a value or a bad NEAR/ADJ distance.
absl::StatusOr<std::vector<Token>> Lex(absl::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  bool term_start = true;  // after space, '(' or the start: '+'/'-' are operators
  while (i < s.size()) {
    const char c = s[i];
    if (IsSpace(c)) {
      ++i;
      term_start = true;
      continue;
    }
    Token t;
    t.begin = i;
    t.end = i + 1;
    if (c == '(' || c == ')') {
      t.kind = c == '(' ? TokenKind::kLParen : TokenKind::kRParen;
    } else if (const size_t quote = QuoteLength(s, i); quote > 0) {
      NEWSDEX_ASSIGN_OR_RETURN(t, LexPhrase(s, i, quote));
    } else if (IsSignOperator(s, i, term_start)) {
      t.kind = c == '+' ? TokenKind::kPlus : TokenKind::kMinus;
    } else {
      NEWSDEX_ASSIGN_OR_RETURN(t, LexWord(s, i));
    }
    term_start = c == '(';
    i = t.end;
    out.push_back(std::move(t));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.begin = end.end = s.size();
  out.push_back(end);
  return out;
}

// A word of a free-text field as a NEAR/ADJ or phrase operand.
struct FieldTerm {
  FieldId field;
  std::string stem;
  std::string Stored() const { return core::FreeTextTerm(field, stem); }
};

// A phrase, NEAR or ADJ query (`op`, `window` as Xapian takes them) over
// `terms`. Title words are in the default field without positions (their
// positions are on the title field's terms; indexer/document_builder.cc), so
// when a term is of the default field the query matches the positions in the
// body (Z terms) or in the title (the same stems as ZS terms). Its weight is
// the AND of the stored terms, which is the weight OP_PHRASE and OP_NEAR give
// their terms; the position checks only filter.
Xapian::Query PositionalQuery(Xapian::Query::op op, const std::vector<FieldTerm>& terms,
                              Xapian::termcount window) {
  std::vector<std::string> stored, in_title;
  bool default_field = false;
  for (const FieldTerm& t : terms) {
    stored.push_back(t.Stored());
    in_title.push_back(core::FreeTextTerm(FieldId::kTitle, t.stem));
    default_field |= t.field == FieldId::kText;
  }
  Xapian::Query positions(op, stored.begin(), stored.end(), window);
  if (!default_field) return positions;
  Xapian::Query title(op, in_title.begin(), in_title.end(), window);
  return Xapian::Query(Xapian::Query::OP_FILTER,
                       Xapian::Query(Xapian::Query::OP_AND, stored.begin(), stored.end()),
                       Xapian::Query(Xapian::Query::OP_OR, positions, title));
}

// One parsed operand.
struct Node {
  Xapian::Query query;
  bool weighted = false;   // has a scoring part
  bool negated = false;    // from '-' or NOT: to be subtracted by the enclosing AND
  bool empty = true;       // no terms at all (punctuation only): skipped
  // For NEAR/ADJ: the terms of a single word operand (size 1) or a
  // multi-token word; empty otherwise.
  std::vector<FieldTerm> near_terms;
  size_t begin = 0;
};

// Periods like "2025", "2025-06", "2025-06-14", "20250614", "202506".
struct Period {
  absl::CivilDay first, last;
};

std::optional<Period> ParsePeriod(absl::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == '-' || c == '/') continue;
    if (!absl::ascii_isdigit(c)) return std::nullopt;
    digits.push_back(c);
  }
  // Separators only between the parts: "2025-06" ok, "-2025" not.
  if (!text.empty() && (text.front() == '-' || text.back() == '-')) return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (digits.size() < 4 || !absl::SimpleAtoi(digits.substr(0, 4), &y)) return std::nullopt;
  if (y < 1000 || y > 9999) return std::nullopt;
  if (digits.size() == 4) {
    return Period{absl::CivilDay(y, 1, 1), absl::CivilDay(y, 12, 31)};
  }
  if (digits.size() == 6) {
    if (!absl::SimpleAtoi(digits.substr(4, 2), &m) || m < 1 || m > 12) return std::nullopt;
    absl::CivilMonth month(y, m);
    return Period{absl::CivilDay(month), absl::CivilDay(month + 1) - 1};
  }
  if (digits.size() == 8) {
    if (!absl::SimpleAtoi(digits.substr(4, 2), &m) ||
        !absl::SimpleAtoi(digits.substr(6, 2), &d))
      return std::nullopt;
    absl::CivilDay day(y, m, d);
    if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
    return Period{day, day};
  }
  return std::nullopt;
}

class Parser {
 public:
  Parser(core::Analyzer& analyzer, const FacetResolver& resolver, const std::string& language,
         absl::string_view text, std::vector<Token> tokens, ParsedQuery* out)
      : analyzer_(analyzer),
        resolver_(resolver),
        language_(language),
        text_(text),
        tokens_(std::move(tokens)),
        out_(out) {}

  absl::StatusOr<Node> ParseAll() {
    absl::StatusOr<Node> node = ParseOr(nullptr, false);
    if (!node.ok()) return node;
    const Token& t = Peek();
    if (t.kind == TokenKind::kRParen) return ErrorAt(t.begin, "unbalanced parenthesis");
    if (t.kind != TokenKind::kEnd) return ErrorAt(t.begin, "unexpected text");
    return node;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  static bool StartsOperand(TokenKind k) {
    return k == TokenKind::kWord || k == TokenKind::kPhrase || k == TokenKind::kLParen ||
           k == TokenKind::kField || k == TokenKind::kPlus || k == TokenKind::kMinus ||
           k == TokenKind::kNot;
  }

  // or := and (OR and)*
  absl::StatusOr<Node> ParseOr(const core::Field* field, bool negated) {
    std::vector<Node> parts;
    while (true) {
      absl::StatusOr<Node> n = ParseAnd(field, negated);
      if (!n.ok()) return n;
      parts.push_back(*std::move(n));
      if (Peek().kind != TokenKind::kOr) break;
      const Token& op = Next();
      if (!StartsOperand(Peek().kind)) {
        return ErrorAt(op.begin, "OR needs a term on its right");
      }
    }
    if (parts.size() == 1) return std::move(parts[0]);
    Node out;
    std::vector<Xapian::Query> qs;
    for (Node& p : parts) {
      if (p.empty) continue;
      Xapian::Query q = p.query;
      // "a OR -b": everything except b.
      if (p.negated) q = Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query(std::string()), q);
      qs.push_back(q);
      out.weighted |= p.weighted;
    }
    if (qs.empty()) return out;
    out.empty = false;
    out.query = Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end());
    return out;
  }

  // and := unary ((AND)? unary | NOT unary)*
  absl::StatusOr<Node> ParseAnd(const core::Field* field, bool negated) {
    std::vector<Node> parts;
    const size_t start = Peek().begin;
    while (true) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kAnd) {
        if (parts.empty()) return ErrorAt(t.begin, "AND needs a term on its left");
        Next();
        if (!StartsOperand(Peek().kind)) return ErrorAt(t.begin, "AND needs a term on its right");
        continue;
      }
      if (!StartsOperand(t.kind)) break;
      absl::StatusOr<Node> n = ParseUnary(field, negated);
      if (!n.ok()) return n;
      parts.push_back(*std::move(n));
    }
    if (parts.empty()) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kOr) return ErrorAt(t.begin, "OR needs a term on its left");
      if (t.kind == TokenKind::kNear || t.kind == TokenKind::kAdj)
        return ErrorAt(t.begin, "NEAR/ADJ needs a word on its left");
      if (t.kind == TokenKind::kRParen) {
        return ErrorAt(t.begin, pos_ > 0 && tokens_[pos_ - 1].kind == TokenKind::kLParen
                                    ? "empty parentheses"
                                    : "unbalanced parenthesis");
      }
      if (t.kind == TokenKind::kEnd && start < text_.size()) {
        return ErrorAt(start, "expected a term");
      }
      return Node{};  // empty query
    }
    if (parts.size() == 1 && !parts[0].negated) return std::move(parts[0]);
    return CombineAnd(parts);
  }

  static Node CombineAnd(std::vector<Node>& parts) {
    std::vector<Xapian::Query> weighted, filters, negatives;
    for (Node& p : parts) {
      if (p.empty) continue;
      if (p.negated) {
        negatives.push_back(p.query);
      } else if (p.weighted) {
        weighted.push_back(p.query);
      } else {
        filters.push_back(p.query);
      }
    }
    Node out;
    if (weighted.empty() && filters.empty() && negatives.empty()) return out;
    out.empty = false;
    out.weighted = !weighted.empty();
    Xapian::Query base;
    if (!weighted.empty()) {
      base = weighted.size() == 1 ? weighted[0]
                                  : Xapian::Query(Xapian::Query::OP_AND, weighted.begin(),
                                                  weighted.end());
      if (!filters.empty()) {
        base = Xapian::Query(Xapian::Query::OP_FILTER, base,
                             Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
      }
    } else if (!filters.empty()) {
      base = filters.size() == 1
                 ? filters[0]
                 : Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end());
    } else {
      base = Xapian::Query(std::string());
    }
    if (!negatives.empty()) {
      base = Xapian::Query(Xapian::Query::OP_AND_NOT, base,
                           Xapian::Query(Xapian::Query::OP_OR, negatives.begin(), negatives.end()));
    }
    out.query = base;
    return out;
  }

  // unary := ('+' | '-' | NOT) unary | near
  absl::StatusOr<Node> ParseUnary(const core::Field* field, bool negated) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kPlus || t.kind == TokenKind::kMinus || t.kind == TokenKind::kNot) {
      const Token& op = Next();
      const bool negate = op.kind != TokenKind::kPlus;
      if (!StartsOperand(Peek().kind) || Peek().kind == TokenKind::kPlus ||
          Peek().kind == TokenKind::kMinus || Peek().kind == TokenKind::kNot) {
        return ErrorAt(op.begin, op.kind == TokenKind::kNot ? "NOT needs a term on its right"
                                                            : "'+'/'-' must precede a term");
      }
      absl::StatusOr<Node> n = ParseNear(field, negated != negate);
      if (!n.ok()) return n;
      n->negated = negate;
      return n;
    }
    return ParseNear(field, negated);
  }

  // near := primary ((NEAR | ADJ) primary)*
  absl::StatusOr<Node> ParseNear(const core::Field* field, bool negated) {
    absl::StatusOr<Node> first = ParsePrimary(field, negated);
    if (!first.ok()) return first;
    if (Peek().kind != TokenKind::kNear && Peek().kind != TokenKind::kAdj) return first;
    std::vector<Node> operands;
    operands.push_back(*std::move(first));
    bool ordered = true;
    int distance = -1;
    while (Peek().kind == TokenKind::kNear || Peek().kind == TokenKind::kAdj) {
      const Token& op = Next();
      if (op.kind == TokenKind::kNear) ordered = false;
      distance = std::max(distance, op.distance);
      if (Peek().kind != TokenKind::kWord && Peek().kind != TokenKind::kPhrase) {
        return ErrorAt(op.begin, "NEAR/ADJ needs a word on its right");
      }
      absl::StatusOr<Node> n = ParsePrimary(field, negated);
      if (!n.ok()) return n;
      operands.push_back(*std::move(n));
    }
    std::vector<FieldTerm> terms;
    size_t words = 0;
    for (const Node& n : operands) {
      if (n.empty) continue;
      if (n.near_terms.empty()) {
        return ErrorAt(n.begin, "NEAR/ADJ works on words and phrases only");
      }
      terms.insert(terms.end(), n.near_terms.begin(), n.near_terms.end());
      ++words;
    }
    Node out;
    out.begin = operands[0].begin;
    if (terms.empty()) return out;
    out.empty = false;
    out.weighted = true;
    if (words < 2) {
      out.query = terms.size() == 1 ? Xapian::Query(terms[0].Stored())
                                    : PositionalQuery(Xapian::Query::OP_PHRASE, terms, 0);
      return out;
    }
    // The window spans all the operands' words plus `distance` others.
    const Xapian::termcount window =
        static_cast<Xapian::termcount>(terms.size()) + static_cast<Xapian::termcount>(distance);
    out.query = PositionalQuery(ordered ? Xapian::Query::OP_PHRASE : Xapian::Query::OP_NEAR,
                                terms, window);
    return out;
  }

  // primary := '(' or ')' | PHRASE | WORD | FIELD value
  absl::StatusOr<Node> ParsePrimary(const core::Field* field, bool negated) {
    const Token t = Next();
    switch (t.kind) {
      case TokenKind::kLParen: {
        if (++depth_ > kMaxQueryDepth) {
          return ErrorAt(t.begin, absl::StrCat("parentheses nested deeper than ", kMaxQueryDepth));
        }
        if (Peek().kind == TokenKind::kRParen) return ErrorAt(t.begin, "empty parentheses");
        absl::StatusOr<Node> n = ParseOr(field, negated);
        if (!n.ok()) return n;
        if (Peek().kind != TokenKind::kRParen) {
          return ErrorAt(t.begin, "unbalanced parenthesis");
        }
        Next();
        --depth_;
        n->near_terms.clear();
        n->begin = t.begin;
        return n;
      }
      case TokenKind::kPhrase:
        return Phrase(field, t, negated);
      case TokenKind::kWord:
        return Word(field, t, negated);
      case TokenKind::kField: {
        const core::Field* f = core::FindFieldByQueryName(t.text);
        if (f == nullptr) return ErrorAt(t.begin, "unknown field");  // lexer checked
        const Token& v = Peek();
        if (v.kind == TokenKind::kLParen) return ParsePrimary(f, negated);
        if (v.kind != TokenKind::kWord && v.kind != TokenKind::kPhrase) {
          return ErrorAt(t.begin, absl::StrCat("field ", t.text, ": needs a value"));
        }
        return ParsePrimary(f, negated);
      }
      default:
        return ErrorAt(t.begin, "expected a term");
    }
  }

  FieldTerm TermOf(const core::Field* field, absl::string_view normalized) {
    return FieldTerm{field == nullptr ? FieldId::kText : field->id,
                     analyzer_.Stem(normalized, language_)};
  }
  std::string StoredTerm(const core::Field* field, absl::string_view normalized) {
    return TermOf(field, normalized).Stored();
  }

  // Free text: the word's tokens (one term, or a phrase when the analyzer
  // splits it, as in "U.S.-Iran").
  absl::StatusOr<Node> Word(const core::Field* field, const Token& t, bool negated) {
    if (field != nullptr && field->kind == FieldKind::kBoolean) {
      return BooleanValue(field, t);
    }
    if (t.text.size() > 1 && t.text.back() == '*') {
      return Wildcard(field, t, negated);
    }
    std::vector<core::Token> tokens;
    Node out = TokensNode(field, t, negated, &tokens);
    if (tokens.size() == 1 && field == nullptr && !negated) {
      out_->words.push_back(
          ParsedQuery::Word{t.begin, t.end, tokens[0].term, out.near_terms[0].Stored()});
    }
    return out;
  }

  // The analysed tokens of `t`: one term, or a phrase when there are several;
  // each becomes a phrase to highlight unless negated.
  Node TokensNode(const core::Field* field, const Token& t, bool negated,
                  std::vector<core::Token>* tokens) {
    Node out;
    out.begin = t.begin;
    analyzer_.Tokenize(t.text, tokens);
    if (tokens->empty()) return out;
    out.empty = false;
    out.weighted = true;
    std::vector<std::string> stems;
    for (const core::Token& tok : *tokens) {
      out.near_terms.push_back(TermOf(field, tok.term));
      stems.push_back(out.near_terms.back().stem);
    }
    out.query = tokens->size() == 1 ? Xapian::Query(out.near_terms[0].Stored())
                                    : PositionalQuery(Xapian::Query::OP_PHRASE, out.near_terms, 0);
    if (!negated) out_->highlight_phrases.push_back(std::move(stems));
    return out;
  }

  absl::StatusOr<Node> Wildcard(const core::Field* field, const Token& t, bool negated) {
    Node out;
    out.begin = t.begin;
    absl::string_view stem_text = absl::string_view(t.text).substr(0, t.text.size() - 1);
    while (!stem_text.empty() && stem_text.back() == '*') stem_text.remove_suffix(1);
    std::vector<core::Token> tokens;
    analyzer_.Tokenize(stem_text, &tokens);
    if (tokens.empty()) return out;
    // "u.s.-ira*": all tokens but the last are words of a phrase-like prefix;
    // only the last one is expanded. Keep it simple: the words before it are
    // ANDed in.
    std::vector<Xapian::Query> parts;
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      parts.emplace_back(StoredTerm(field, tokens[i].term));
      if (!negated) out_->highlight_phrases.push_back({analyzer_.Stem(tokens[i].term, language_)});
    }
    const std::string& prefix = tokens.back().term;
    const FieldId id = field == nullptr ? FieldId::kText : field->id;
    std::vector<Xapian::Query> alternatives;
    alternatives.emplace_back(Xapian::Query::OP_WILDCARD, core::FreeTextTerm(id, prefix),
                              kMaxWildcardExpansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    // The stem of the prefix can be shorter ("nucle" -> "nucl"): try it too,
    // so "nucle*" still matches when the stored stem cut the word earlier.
    const std::string stem = analyzer_.Stem(prefix, language_);
    if (stem != prefix && !stem.empty() && !absl::StartsWith(stem, prefix)) {
      alternatives.emplace_back(Xapian::Query::OP_WILDCARD, core::FreeTextTerm(id, stem),
                                kMaxWildcardExpansion,
                                Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    }
    parts.push_back(alternatives.size() == 1
                        ? alternatives[0]
                        : Xapian::Query(Xapian::Query::OP_OR, alternatives.begin(),
                                        alternatives.end()));
    if (!negated) out_->highlight_prefixes.push_back(prefix);
    out.empty = false;
    out.weighted = true;
    out.query = parts.size() == 1
                    ? parts[0]
                    : Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
    return out;
  }

  absl::StatusOr<Node> Phrase(const core::Field* field, const Token& t, bool negated) {
    if (field != nullptr && field->kind == FieldKind::kBoolean) {
      return BooleanValue(field, t);
    }
    std::vector<core::Token> tokens;
    return TokensNode(field, t, negated, &tokens);
  }

  // A value of a boolean field: a filter that adds no weight.
  absl::StatusOr<Node> BooleanValue(const core::Field* field, const Token& t) {
    Node out;
    out.begin = t.begin;
    out.empty = false;
    out.weighted = false;
    const std::string& raw = t.text;
    switch (field->id) {
      case FieldId::kDay: {
        absl::StatusOr<Xapian::Query> q = DateRange(raw, t.begin);
        if (!q.ok()) return q.status();
        out.query = *q;
        return out;
      }
      case FieldId::kMentionedDate: {
        std::optional<Period> p = ParsePeriod(raw);
        if (!p) {
          return ErrorAt(t.begin, absl::StrCat("bad date \"", raw,
                                               "\" (expected YYYY, YYYY-MM or YYYY-MM-DD)"));
        }
        std::string compact;
        for (char c : raw) {
          if (absl::ascii_isdigit(c)) compact.push_back(c);
        }
        // A mention is stored at its own precision only, so the period is
        // every term under its prefix: "2025" is XM2025, XM202506, XM20250614...
        // At most 1 + 12 + 366 terms: no expansion limit is needed.
        out.query = Xapian::Query(Xapian::Query::OP_WILDCARD,
                                  core::BooleanTerm(FieldId::kMentionedDate, compact), 0,
                                  Xapian::Query::WILDCARD_LIMIT_ERROR, Xapian::Query::OP_OR);
        return out;
      }
      case FieldId::kId:
      case FieldId::kUrl:
        out.query = Xapian::Query(core::BooleanTerm(field->id, raw));
        return out;
      default:
        break;
    }
    FacetField facet;
    std::string key;
    switch (field->id) {
      case FieldId::kCountry: facet = FacetField::kCountry; break;
      case FieldId::kFocusCountry: facet = FacetField::kAbout; break;
      case FieldId::kActor: facet = FacetField::kActor; break;
      case FieldId::kLanguage: facet = FacetField::kLanguage; break;
      case FieldId::kSource: facet = FacetField::kSource; break;
      default:
        // A boolean field without special handling: the lowercase value.
        out.query = Xapian::Query(core::BooleanTerm(field->id, absl::AsciiStrToLower(raw)));
        return out;
    }
    if (raw.size() > 1 && raw.back() == '*') {
      // "actor:kham*": every stored key that starts with the folded prefix.
      std::string prefix = resolver_.Resolve(facet, raw.substr(0, raw.size() - 1), analyzer_);
      if (prefix.empty()) {
        return ErrorAt(t.begin, absl::StrCat("field ", field->query_name, ": empty value"));
      }
      out.query = Xapian::Query(Xapian::Query::OP_WILDCARD, core::BooleanTerm(field->id, prefix),
                                kMaxWildcardExpansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
      return out;
    }
    key = resolver_.Resolve(facet, raw, analyzer_);
    if (key.empty()) {
      return ErrorAt(t.begin, absl::StrCat("field ", field->query_name, ": empty value"));
    }
    out.query = Xapian::Query(core::BooleanTerm(field->id, key));
    return out;
  }

  absl::StatusOr<Xapian::Query> DateRange(absl::string_view raw, size_t at) {
    auto bad = [&] {
      return ErrorAt(at, absl::StrCat("bad date \"", raw,
                                      "\" (expected YYYY, YYYY-MM, YYYY-MM-DD or A..B)"));
    };
    size_t dots = raw.find("..");
    std::optional<Period> lo, hi;
    if (dots == absl::string_view::npos) {
      lo = ParsePeriod(raw);
      if (!lo) return bad();
      hi = lo;
    } else {
      absl::string_view a = raw.substr(0, dots), b = raw.substr(dots + 2);
      if (a.empty() && b.empty()) return bad();
      if (!a.empty() && !(lo = ParsePeriod(a))) return bad();
      if (!b.empty() && !(hi = ParsePeriod(b))) return bad();
      if (lo && hi && lo->first > hi->last) {
        return ErrorAt(at, absl::StrCat("empty date range \"", raw, "\" (start after end)"));
      }
    }
    return DateRangeQuery(lo ? std::optional<absl::CivilDay>(lo->first) : std::nullopt,
                          hi ? std::optional<absl::CivilDay>(hi->last) : std::nullopt);
  }

  core::Analyzer& analyzer_;
  const FacetResolver& resolver_;
  const std::string& language_;
  absl::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  ParsedQuery* out_;
};

}  // namespace

QueryParser::QueryParser(core::Analyzer& analyzer, const FacetResolver& resolver,
                         std::string language)
    : analyzer_(analyzer), resolver_(resolver), language_(std::move(language)) {}

absl::StatusOr<ParsedQuery> QueryParser::Parse(absl::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("query: too long (", text.size(), " bytes; at most ", kMaxQueryBytes, ")"));
  }
  absl::StatusOr<std::vector<Token>> tokens = Lex(text);
  if (!tokens.ok()) return tokens.status();
  ParsedQuery out;
  Parser parser(analyzer_, resolver_, language_, text, *std::move(tokens), &out);
  absl::StatusOr<Node> node = parser.ParseAll();
  if (!node.ok()) return node.status();
  if (node->empty) {
    // A blank query browses everything; text without a single word is an
    // error rather than a silent match-all or match-nothing.
    for (char c : text) {
      if (!IsSpace(c)) return ErrorAt(0, "no words to search for");
    }
    out.query = Xapian::Query(std::string());
    out.boolean_only = true;
    return out;
  }
  Xapian::Query q = node->query;
  if (node->negated) q = Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query(std::string()), q);
  out.query = q;
  out.boolean_only = !node->weighted;
  return out;
}

ParsedQuery QueryParser::ParseAsWords(absl::string_view text) {
  if (text.size() > kMaxQueryBytes) text = text.substr(0, kMaxQueryBytes);
  ParsedQuery out;
  std::vector<core::Token> tokens;
  analyzer_.Tokenize(text, &tokens);
  std::vector<Xapian::Query> terms;
  for (const core::Token& t : tokens) {
    // Operators typed as words are dropped.
    absl::string_view raw = text.substr(t.begin, t.end - t.begin);
    if (raw == "AND" || raw == "OR" || raw == "NOT" || raw == "NEAR" || raw == "ADJ") continue;
    const std::string stem = analyzer_.Stem(t.term, language_);
    std::string term = core::FreeTextTerm(FieldId::kText, stem);
    terms.emplace_back(term);
    out.highlight_phrases.push_back({stem});
    out.words.push_back(ParsedQuery::Word{t.begin, t.end, t.term, std::move(term)});
  }
  if (terms.empty()) {
    for (char c : text) {
      if (!IsSpace(c)) {
        out.query = Xapian::Query();  // text without words matches nothing
        break;
      }
    }
    return out;
  }
  out.query = Xapian::Query(Xapian::Query::OP_AND, terms.begin(), terms.end());
  out.boolean_only = false;
  return out;
}

}  // namespace newsdex::query
