#include "server/openapi_validator.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace newsdex::server {
namespace {

using Json = nlohmann::json;

std::string Shown(const Json& value) {
  std::string s = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

bool PathMatches(absl::string_view templ, absl::string_view path) {
  std::vector<absl::string_view> t = absl::StrSplit(templ, '/');
  std::vector<absl::string_view> p = absl::StrSplit(path, '/');
  if (t.size() != p.size()) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].size() >= 2 && t[i].front() == '{' && t[i].back() == '}') {
      if (p[i].empty()) return false;
      continue;
    }
    if (t[i] != p[i]) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<OpenApiValidator> OpenApiValidator::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  Json spec = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not JSON-syntax YAML (the validator reads only that subset)"));
  }
  return FromJson(std::move(spec));
}

absl::StatusOr<OpenApiValidator> OpenApiValidator::FromJson(Json spec) {
  if (!spec.is_object() || !spec.contains("paths") || !spec["paths"].is_object()) {
    return absl::InvalidArgumentError("OpenAPI document has no \"paths\" object");
  }
  return OpenApiValidator(std::move(spec));
}

const Json* OpenApiValidator::Resolve(const Json& schema) const {
  const Json* s = &schema;
  for (int hops = 0; hops < 16 && s->is_object() && s->contains("$ref"); ++hops) {
    const Json& ref = (*s)["$ref"];
    if (!ref.is_string()) return nullptr;
    const std::string& r = ref.get_ref<const std::string&>();
    if (r.rfind("#/", 0) != 0) return nullptr;
    Json::json_pointer pointer(r.substr(1));
    if (!spec_.contains(pointer)) return nullptr;
    s = &spec_.at(pointer);
  }
  return s;
}

absl::Status OpenApiValidator::ValidateValue(const Json& schema, const Json& value) const {
  return Validate(schema, value, "", 0);
}

absl::Status OpenApiValidator::Validate(const Json& schema_in, const Json& value,
                                        const std::string& where, int depth) const {
  const std::string at = where.empty() ? "/" : where;
  if (depth > 64) return absl::InvalidArgumentError(absl::StrCat(at, ": schema nests too deep"));
  const Json* resolved = Resolve(schema_in);
  if (resolved == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(at, ": unresolvable $ref"));
  }
  const Json& schema = *resolved;
  if (!schema.is_object()) return absl::OkStatus();  // {} or true: anything

  if (value.is_null()) {
    if (schema.value("nullable", false)) return absl::OkStatus();
    if (!schema.contains("type") && !schema.contains("oneOf")) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(at, ": null where the schema allows none"));
  }
  absl::Status s = CheckOneOf(schema, value, where, depth);
  if (s.ok()) s = CheckTypeAndEnum(schema, value, at);
  if (!s.ok()) return s;
  if (value.is_number()) return CheckNumber(schema, value, at);
  if (value.is_array()) return CheckArray(schema, value, where, depth);
  if (value.is_object()) return CheckObject(schema, value, where, depth);
  return absl::OkStatus();
}

absl::Status OpenApiValidator::CheckOneOf(const Json& schema, const Json& value,
                                          const std::string& where, int depth) const {
  if (!schema.contains("oneOf")) return absl::OkStatus();
  int matches = 0;
  for (const Json& option : schema["oneOf"]) {
    if (Validate(option, value, where, depth + 1).ok()) ++matches;
  }
  if (matches == 1) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(where.empty() ? "/" : where, ": ", Shown(value),
                                                 " matches ", matches,
                                                 " of the oneOf schemas, not exactly 1"));
}

absl::Status OpenApiValidator::CheckTypeAndEnum(const Json& schema, const Json& value,
                                                const std::string& at) const {
  if (schema.contains("type")) {
    const std::string type = schema["type"].get<std::string>();
    bool ok = false;
    if (type == "object") ok = value.is_object();
    else if (type == "array") ok = value.is_array();
    else if (type == "string") ok = value.is_string();
    else if (type == "integer") ok = value.is_number_integer();
    else if (type == "number") ok = value.is_number();
    else if (type == "boolean") ok = value.is_boolean();
    else return absl::InvalidArgumentError(absl::StrCat(at, ": unknown schema type ", type));
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ": expected ", type, ", got ", value.type_name(), " ", Shown(value)));
    }
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const Json& e : schema["enum"]) found |= (e == value);
    if (!found) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ": ", Shown(value), " is not one of ", Shown(schema["enum"])));
    }
  }
  return absl::OkStatus();
}

absl::Status OpenApiValidator::CheckNumber(const Json& schema, const Json& value,
                                           const std::string& at) const {
  if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>()) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, ": ", Shown(value), " is below the minimum ", Shown(schema["minimum"])));
  }
  if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>()) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, ": ", Shown(value), " is above the maximum ", Shown(schema["maximum"])));
  }
  return absl::OkStatus();
}

absl::Status OpenApiValidator::CheckArray(const Json& schema, const Json& value,
                                          const std::string& where, int depth) const {
  if (schema.contains("minItems") && value.size() < schema["minItems"].get<size_t>()) {
    return absl::InvalidArgumentError(absl::StrCat(where.empty() ? "/" : where, ": fewer than ",
                                                   Shown(schema["minItems"]), " items"));
  }
  if (!schema.contains("items")) return absl::OkStatus();
  for (size_t i = 0; i < value.size(); ++i) {
    absl::Status s = Validate(schema["items"], value[i], absl::StrCat(where, "/", i), depth + 1);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status OpenApiValidator::CheckObject(const Json& schema, const Json& value,
                                           const std::string& where, int depth) const {
  const std::string at = where.empty() ? "/" : where;
  if (schema.contains("required")) {
    for (const Json& name : schema["required"]) {
      if (!value.contains(name.get<std::string>())) {
        return absl::InvalidArgumentError(
            absl::StrCat(at, ": required property \"", name.get<std::string>(), "\" missing"));
      }
    }
  }
  const Json empty = Json::object();
  const Json& properties = schema.contains("properties") ? schema["properties"] : empty;
  const Json* extra =
      schema.contains("additionalProperties") ? &schema["additionalProperties"] : nullptr;
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string child = absl::StrCat(where, "/", it.key());
    absl::Status s = absl::OkStatus();
    if (properties.contains(it.key())) {
      s = Validate(properties[it.key()], it.value(), child, depth + 1);
    } else if (extra != nullptr && extra->is_boolean() && !extra->get<bool>()) {
      s = absl::InvalidArgumentError(
          absl::StrCat(at, ": property \"", it.key(), "\" is not in the schema"));
    } else if (extra != nullptr && !extra->is_boolean()) {
      s = Validate(*extra, it.value(), child, depth + 1);
    }
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status OpenApiValidator::ValidateResponse(absl::string_view method, absl::string_view path,
                                                int status, absl::string_view body) const {
  const Json* operation = nullptr;
  std::string matched;
  const std::string verb = absl::AsciiStrToLower(method);
  for (auto it = spec_["paths"].begin(); it != spec_["paths"].end(); ++it) {
    if (PathMatches(it.key(), path) && it.value().contains(verb)) {
      // Prefer a literal match over a template ("/facets/{field}").
      if (operation == nullptr || it.key().find('{') == std::string::npos) {
        operation = &it.value()[verb];
        matched = it.key();
      }
    }
  }
  if (operation == nullptr) {
    return absl::NotFoundError(absl::StrCat("no operation ", method, " ", path, " in the spec"));
  }
  if (!operation->contains("responses")) {
    return absl::NotFoundError(absl::StrCat(method, " ", matched, " has no responses"));
  }
  const Json& responses = (*operation)["responses"];
  const std::string code = absl::StrCat(status);
  const std::string range = absl::StrCat(status / 100, "XX");
  const Json* response = nullptr;
  for (const std::string& key : {code, range, std::string("default")}) {
    if (responses.contains(key)) {
      response = Resolve(responses[key]);
      break;
    }
  }
  if (response == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(method, " ", matched, " documents no response ", status));
  }
  if (!response->contains("content")) {
    if (body.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(method, " ", matched, " ", status, ": body given, none documented"));
  }
  const Json& content = (*response)["content"];
  if (content.contains("application/json")) {
    Json value = Json::parse(body.begin(), body.end(), nullptr, false);
    if (value.is_discarded()) {
      return absl::InvalidArgumentError(
          absl::StrCat(method, " ", matched, " ", status, ": body is not JSON"));
    }
    const Json& media = content["application/json"];
    if (!media.contains("schema")) return absl::OkStatus();
    absl::Status s = Validate(media["schema"], value, "", 0);
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(method, " ", matched, " ", status, ": ", s.message()));
    }
    return absl::OkStatus();
  }
  return absl::OkStatus();  // text/plain and others: presence only
}

}  // namespace newsdex::server
