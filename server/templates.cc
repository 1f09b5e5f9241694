#include "server/templates.h"

#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/html.h"
#include "server/web_assets.h"

namespace newsdex::server {

struct View::Value {
  enum class Kind { kString, kBool, kObject, kList };
  Kind kind = Kind::kString;
  std::string text;                            // kString
  bool flag = false;                           // kBool
  std::unique_ptr<Members> object;             // kObject: heap, so borrowed Views stay valid
  std::unique_ptr<std::vector<Members>> list;  // kList
};

struct CompiledTemplate::Node {
  enum class Kind { kText, kEscaped, kRaw, kSection, kInverted };
  Kind kind = Kind::kText;
  std::string text;            // kText: the text; otherwise the name
  std::vector<Node> children;  // kSection, kInverted
};

// ---------------------------------------------------------------------------
// View

View::View() : owned_(std::make_unique<Members>()), members_(owned_.get()) {}
View::View(Members* borrowed) : members_(borrowed) {}
View::~View() = default;
View::View(View&&) noexcept = default;
View& View::operator=(View&&) noexcept = default;

View::Value& View::Member(absl::string_view name) {
  // Objects have a few dozen members at most: a scan beats hashing.
  for (auto& [key, value] : *members_) {
    if (key == name) return value;
  }
  members_->emplace_back(std::string(name), Value());
  return members_->back().second;
}

void View::Set(absl::string_view name, absl::string_view value) {
  Value& member = Member(name);
  member = Value();
  member.text.assign(value.data(), value.size());
}

void View::SetInt(absl::string_view name, int64_t value) { Set(name, absl::StrCat(value)); }

void View::SetBool(absl::string_view name, bool value) {
  Value& member = Member(name);
  member = Value();
  member.kind = Value::Kind::kBool;
  member.flag = value;
}

View View::Object(absl::string_view name) {
  Value& member = Member(name);
  if (member.kind != Value::Kind::kObject) {
    member = Value();
    member.kind = Value::Kind::kObject;
    member.object = std::make_unique<Members>();
  }
  return View(member.object.get());
}

namespace {

std::vector<View::Members>& ListOf(View::Value& member) {
  if (member.kind != View::Value::Kind::kList) {
    member = View::Value();
    member.kind = View::Value::Kind::kList;
    member.list = std::make_unique<std::vector<View::Members>>();
  }
  return *member.list;
}

}  // namespace

View View::AddItem(absl::string_view name) {
  std::vector<Members>& items = ListOf(Member(name));
  items.emplace_back();
  return View(&items.back());
}

void View::ReserveItems(absl::string_view name, size_t n) {
  std::vector<Members>& items = ListOf(Member(name));
  items.reserve(items.size() + n);
}

// ---------------------------------------------------------------------------
// Compiling

namespace {

using Node = CompiledTemplate::Node;

bool IsBlank(absl::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

bool IsName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

void AppendText(absl::string_view text, std::vector<Node>* nodes) {
  if (text.empty()) return;
  if (!nodes->empty() && nodes->back().kind == Node::Kind::kText) {
    nodes->back().text.append(text.data(), text.size());
    return;
  }
  nodes->push_back(Node{Node::Kind::kText, std::string(text), {}});
}

// One tag as the compiler sees it: where it is and what is inside the braces.
struct Tag {
  size_t begin = 0;  // offset of "{{"
  size_t end = 0;    // offset after "}}" (or "}}}")
  char sigil = 0;    // '#', '^', '/', '!', '{' (triple), '>', '=', '&', or 0
  absl::string_view name;
};

// Finds the next tag at or after `from`; false when there is none.
absl::StatusOr<bool> NextTag(absl::string_view text, size_t from, Tag* tag) {
  tag->begin = text.find("{{", from);
  if (tag->begin == absl::string_view::npos) return false;
  const bool triple = text.compare(tag->begin, 3, "{{{") == 0;
  const size_t open = tag->begin + (triple ? 3 : 2);
  const size_t close = text.find(triple ? "}}}" : "}}", open);
  if (close == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("offset ", tag->begin, ": tag not closed"));
  }
  tag->end = close + (triple ? 3 : 2);
  absl::string_view inside = absl::StripAsciiWhitespace(text.substr(open, close - open));
  tag->sigil = triple ? '{' : 0;
  if (!triple && !inside.empty() &&
      absl::string_view("#^/!>=&").find(inside[0]) != absl::string_view::npos) {
    tag->sigil = inside[0];
    inside = absl::StripAsciiWhitespace(inside.substr(1));
  }
  tag->name = inside;
  return true;
}

// A section or comment tag alone on its line takes the line (its indentation
// and newline) with it, so templates can be laid out without blank lines in
// the output. Moves tag->begin back to the line's start and tag->end past its
// newline when it is.
void TakeStandaloneLine(absl::string_view text, size_t text_start, Tag* tag) {
  if (absl::string_view("#^/!").find(tag->sigil) == absl::string_view::npos) return;
  const size_t newline =
      tag->begin == 0 ? absl::string_view::npos : text.rfind('\n', tag->begin - 1);
  size_t line_start;
  if (newline != absl::string_view::npos && newline >= text_start) {
    line_start = newline + 1;
  } else if (text_start == 0 || text[text_start - 1] == '\n') {
    line_start = text_start;  // the line began with the text after the last tag
  } else {
    return;  // an earlier tag is on this line
  }
  size_t line_end = text.find('\n', tag->end);
  if (line_end == absl::string_view::npos) line_end = text.size();
  if (!IsBlank(text.substr(line_start, tag->begin - line_start)) ||
      !IsBlank(text.substr(tag->end, line_end - tag->end))) {
    return;
  }
  tag->begin = line_start;
  tag->end = line_end == text.size() ? line_end : line_end + 1;
}

}  // namespace

CompiledTemplate::CompiledTemplate() = default;
CompiledTemplate::~CompiledTemplate() = default;
CompiledTemplate::CompiledTemplate(CompiledTemplate&&) noexcept = default;
CompiledTemplate& CompiledTemplate::operator=(CompiledTemplate&&) noexcept = default;

absl::StatusOr<CompiledTemplate> CompiledTemplate::Compile(absl::string_view text) {
  CompiledTemplate compiled;
  // The sections open at this point, innermost last, with where they began.
  std::vector<std::pair<Node*, size_t>> open;
  std::vector<Node>* nodes = &compiled.nodes_;
  size_t pos = 0;
  Tag tag;
  for (;;) {
    absl::StatusOr<bool> found = NextTag(text, pos, &tag);
    if (!found.ok()) return found.status();
    if (!*found) break;
    const size_t name_at = tag.begin;
    TakeStandaloneLine(text, pos, &tag);
    AppendText(text.substr(pos, tag.begin - pos), nodes);
    pos = tag.end;
    if (tag.sigil == '!') continue;
    if (!IsName(tag.name) || tag.sigil == '>' || tag.sigil == '=' || tag.sigil == '&') {
      return absl::InvalidArgumentError(absl::StrCat(
          "offset ", name_at, ": unsupported tag \"", text.substr(name_at, tag.end - name_at),
          "\" (names are letters, digits and _; no partials, delimiters or &)"));
    }
    if (tag.sigil == '/') {
      if (open.empty() || open.back().first->text != tag.name) {
        return absl::InvalidArgumentError(
            absl::StrCat("offset ", name_at, ": {{/", tag.name, "}} closes no open section"));
      }
      open.pop_back();
      nodes = open.empty() ? &compiled.nodes_ : &open.back().first->children;
      continue;
    }
    Node node;
    node.text = std::string(tag.name);
    node.kind = tag.sigil == '#'   ? Node::Kind::kSection
                : tag.sigil == '^' ? Node::Kind::kInverted
                : tag.sigil == '{' ? Node::Kind::kRaw
                                   : Node::Kind::kEscaped;
    nodes->push_back(std::move(node));
    if (tag.sigil == '#' || tag.sigil == '^') {
      open.emplace_back(&nodes->back(), name_at);
      nodes = &nodes->back().children;
    }
  }
  if (!open.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("offset ", open.back().second, ": section \"",
                                                   open.back().first->text, "\" not closed"));
  }
  AppendText(text.substr(pos), nodes);
  return compiled;
}

// ---------------------------------------------------------------------------
// Rendering

namespace {

using Scope = std::vector<const View::Members*>;

// The innermost value called `name`, or null.
const View::Value* Lookup(const Scope& scope, absl::string_view name) {
  for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
    for (const auto& [key, value] : **it) {
      if (key == name) return &value;
    }
  }
  return nullptr;
}

bool Truthy(const View::Value* value) {
  if (value == nullptr) return false;
  switch (value->kind) {
    case View::Value::Kind::kString: return !value->text.empty();
    case View::Value::Kind::kBool: return value->flag;
    case View::Value::Kind::kObject: return true;
    case View::Value::Kind::kList: return !value->list->empty();
  }
  return false;
}

void RenderNodes(const std::vector<Node>& nodes, Scope& scope, std::string* out);

void RenderSection(const Node& node, const View::Value& value, Scope& scope, std::string* out) {
  if (value.kind == View::Value::Kind::kList) {
    for (const View::Members& item : *value.list) {
      scope.push_back(&item);
      RenderNodes(node.children, scope, out);
      scope.pop_back();
    }
  } else if (value.kind == View::Value::Kind::kObject) {
    scope.push_back(value.object.get());
    RenderNodes(node.children, scope, out);
    scope.pop_back();
  } else {
    RenderNodes(node.children, scope, out);
  }
}

void RenderNodes(const std::vector<Node>& nodes, Scope& scope, std::string* out) {
  for (const Node& node : nodes) {
    if (node.kind == Node::Kind::kText) {
      out->append(node.text);
      continue;
    }
    const View::Value* value = Lookup(scope, node.text);
    switch (node.kind) {
      case Node::Kind::kEscaped:
      case Node::Kind::kRaw:
        // Only strings print; a boolean, object or list is a section's.
        if (value == nullptr || value->kind != View::Value::Kind::kString) break;
        if (node.kind == Node::Kind::kEscaped) {
          html::AppendEscaped(value->text, out);
        } else {
          out->append(value->text);
        }
        break;
      case Node::Kind::kSection:
        if (Truthy(value)) RenderSection(node, *value, scope, out);
        break;
      case Node::Kind::kInverted:
        if (!Truthy(value)) RenderNodes(node.children, scope, out);
        break;
      case Node::Kind::kText: break;
    }
  }
}

constexpr int kTemplateCount = static_cast<int>(Template::kError) + 1;

// The embedded file of each Template, in enum order.
constexpr absl::string_view kTemplateFiles[kTemplateCount] = {
    "templates/layout.mustache",
    "templates/search.mustache",
    "templates/article.mustache",
    "templates/error.mustache",
};

absl::StatusOr<CompiledTemplate> Load(int index) {
  const WebAsset* asset = FindWebAsset(kTemplateFiles[index]);
  if (asset == nullptr) {
    return absl::InternalError(absl::StrCat(kTemplateFiles[index], " is not embedded"));
  }
  absl::StatusOr<CompiledTemplate> compiled = CompiledTemplate::Compile(asset->content);
  if (!compiled.ok()) {
    return absl::InternalError(
        absl::StrCat(kTemplateFiles[index], ": ", compiled.status().message()));
  }
  return compiled;
}

// Every template, compiled on first use (a function-local static: the first
// caller compiles, any other waits).
const std::array<absl::StatusOr<CompiledTemplate>, kTemplateCount>& Compiled() {
  static const auto* const all = [] {
    auto* templates = new std::array<absl::StatusOr<CompiledTemplate>, kTemplateCount>;
    for (int i = 0; i < kTemplateCount; ++i) (*templates)[i] = Load(i);
    return templates;
  }();
  return *all;
}

}  // namespace

void CompiledTemplate::Render(const View& view, std::string* out) const {
  Scope scope = {view.members_};
  RenderNodes(nodes_, scope, out);
}

absl::Status Render(Template tmpl, const View& view, std::string* out) {
  const absl::StatusOr<CompiledTemplate>& compiled = Compiled()[static_cast<int>(tmpl)];
  if (!compiled.ok()) return compiled.status();
  compiled->Render(view, out);
  return absl::OkStatus();
}

absl::Status CheckTemplates() {
  for (const absl::StatusOr<CompiledTemplate>& compiled : Compiled()) {
    if (!compiled.ok()) return compiled.status();
  }
  return absl::OkStatus();
}

}  // namespace newsdex::server
