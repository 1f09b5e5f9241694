// Checks real API responses against docs/openapi.yaml in tests. Implements the
// subset of OpenAPI 3.0 schema objects that file uses: type (object, array,
// string, integer, number, boolean), properties, required,
// additionalProperties (boolean or schema), items, enum, nullable, minimum,
// maximum, minItems, oneOf and local $ref ("#/components/schemas/Name").
// Paths match templates segment by segment ("/articles/{id}/related").
//
// docs/openapi.yaml is written in YAML's JSON-compatible flow syntax, so
// nlohmann::json reads it (Debian's nlohmann has no YAML parser).
//
// Thread safety: immutable after Load; const methods may run concurrently.
#ifndef NEWSDEX_SERVER_OPENAPI_VALIDATOR_H_
#define NEWSDEX_SERVER_OPENAPI_VALIDATOR_H_

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsdex::server {

class OpenApiValidator {
 public:
  // Reads and parses the spec. kNotFound if the file is missing,
  // kInvalidArgument if it is not JSON-syntax YAML or lacks "paths".
  static absl::StatusOr<OpenApiValidator> Load(const std::string& path);
  static absl::StatusOr<OpenApiValidator> FromJson(nlohmann::json spec);

  // Validates a response: finds the operation for `method` and the concrete
  // `path` (query string excluded), the response for `status` (exact code,
  // then "4XX"/"5XX", then "default"), and checks `body` against its
  // application/json (or text/plain: only presence) schema. Returns
  // kNotFound if the spec documents no such operation or status, and
  // kInvalidArgument naming the JSON pointer of the first mismatch.
  absl::Status ValidateResponse(absl::string_view method, absl::string_view path, int status,
                                absl::string_view body) const;

  // Validates `value` against `schema` (resolving $ref in this spec).
  absl::Status ValidateValue(const nlohmann::json& schema, const nlohmann::json& value) const;

 private:
  explicit OpenApiValidator(nlohmann::json spec) : spec_(std::move(spec)) {}
  // Checks `value` at JSON pointer `where` against `schema`, `depth` schemas
  // deep; the other Check* functions are its parts, with `at` the pointer as
  // shown in messages.
  absl::Status Validate(const nlohmann::json& schema, const nlohmann::json& value,
                        const std::string& where, int depth) const;
  absl::Status CheckOneOf(const nlohmann::json& schema, const nlohmann::json& value,
                          const std::string& where, int depth) const;
  absl::Status CheckTypeAndEnum(const nlohmann::json& schema, const nlohmann::json& value,
                                const std::string& at) const;
  absl::Status CheckNumber(const nlohmann::json& schema, const nlohmann::json& value,
                           const std::string& at) const;
  absl::Status CheckArray(const nlohmann::json& schema, const nlohmann::json& value,
                          const std::string& where, int depth) const;
  absl::Status CheckObject(const nlohmann::json& schema, const nlohmann::json& value,
                           const std::string& where, int depth) const;
  const nlohmann::json* Resolve(const nlohmann::json& schema) const;
  nlohmann::json spec_;
};

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_OPENAPI_VALIDATOR_H_
