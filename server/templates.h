// The page templates of newsdexd's search site (server/templates/*.mustache,
// embedded into the binary: server/web_assets.h) and their renderer: a
// compiled subset of mustache (https://mustache.github.io/mustache.5.html).
// The pages build a View and name a Template.
//
// Template syntax: {{name}} writes the value escaped for HTML text and for
// quoted attribute values (& < > " ' become references). {{{name}}} writes it
// as it is; the templates use it only for HTML the code made safe: hit
// snippets (escaped by the query library, docs/api.md) and the page body
// inside the layout (itself rendered from a template). {{#name}}...{{/name}}
// renders its inside once per item of a list, once with an object's members
// in scope, once for true or a non-empty string, never for false, "", an
// empty list or a missing name; {{^name}}...{{/name}} renders when {{#name}}
// would not. {{! comment }}. A section or comment tag alone on its line takes
// the line with it. Anything else (partials, dotted names, delimiter changes)
// is a compile error, so a template cannot silently use what is not there.
// URLs are built by the code (server/html.h percent-encodes their parts) and
// then escaped like any value.
//
// Lookup rule (mustache's): a name an item lacks is looked up in the
// enclosing objects, out to the root. So list items use names of their own
// (hit_title, not title).
//
// Why our own renderer and not kainjow::mustache (Debian's
// libkainjow-mustache-dev, tried first): on the Reuters benchmark queries the
// search page cost 1.28x the JSON answer with kainjow, at the 1.3x
// limit, most of the difference in kainjow itself (string-keyed hash maps per
// object, an allocation per value and per escape, a std::function call per
// node). With this renderer the page's rendering takes 2.2x fewer
// instructions and the page costs 1.12-1.14x the JSON answer
// (docs/benchmarks.md, "Search page"). It only ever compiles our own
// template files, never request data.
//
// Thread safety: a View is used by one thread at a time. Templates are
// compiled once (on first use, thread-safely) and are immutable; Render may be
// called from any thread.
#ifndef NEWSDEX_SERVER_TEMPLATES_H_
#define NEWSDEX_SERVER_TEMPLATES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsdex::server {

// One row per file of server/templates/.
enum class Template {
  kLayout,   // layout.mustache: the document around every page ({{{content}}})
  kSearch,   // search.mustache: results, timeline, facets
  kArticle,  // article.mustache: one stored article and its related articles
  kError,    // error.mustache: a failed request
};

// The values a template renders: an object whose members are strings,
// booleans, objects and lists of objects.
class View {
 public:
  View();  // an empty object that owns its members
  ~View();
  View(View&&) noexcept;
  View& operator=(View&&) noexcept;

  // Sets member `name` (replacing a value of any kind it had).
  void Set(absl::string_view name, absl::string_view value);
  void Set(absl::string_view name, const char* value) { Set(name, absl::string_view(value)); }
  void Set(absl::string_view name, const std::string& value) {
    Set(name, absl::string_view(value));
  }
  void SetInt(absl::string_view name, int64_t value);
  void SetBool(absl::string_view name, bool value);
  // The object member `name`, created empty on first use. The returned View
  // borrows it: valid while this View is.
  View Object(absl::string_view name);
  // Appends an empty object to the list `name` (created on first use) and
  // returns it, borrowed: valid until the next AddItem to the same list.
  View AddItem(absl::string_view name);
  // Makes room for `n` more items in the list `name` (saves reallocations).
  void ReserveItems(absl::string_view name, size_t n);

  struct Value;
  using Members = std::vector<std::pair<std::string, Value>>;

 private:
  friend class CompiledTemplate;
  explicit View(Members* borrowed);
  Value& Member(absl::string_view name);

  std::unique_ptr<Members> owned_;  // null for a borrowed View
  Members* members_;
};

// A template compiled from its text.
class CompiledTemplate {
 public:
  // kInvalidArgument naming the byte offset for a tag that is not closed, a
  // section closed by another name or not at all, or a tag this subset does
  // not have.
  static absl::StatusOr<CompiledTemplate> Compile(absl::string_view text);
  ~CompiledTemplate();
  CompiledTemplate(CompiledTemplate&&) noexcept;
  CompiledTemplate& operator=(CompiledTemplate&&) noexcept;

  // Appends the rendering of `view` to *out.
  void Render(const View& view, std::string* out) const;

  struct Node;

 private:
  CompiledTemplate();
  std::vector<Node> nodes_;
};

// Renders `tmpl` with `view`, appending to *out. kInternal when the
// template's file is missing or does not compile (a broken build;
// CheckTemplates tells at start-up).
absl::Status Render(Template tmpl, const View& view, std::string* out);

// Compiles every template: kInternal naming the first that does not compile.
absl::Status CheckTemplates();

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_TEMPLATES_H_
