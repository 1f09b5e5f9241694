#include "server/openapi_validator.h"

#include <gtest/gtest.h>

#include "server/server_test_util.h"

namespace newsdex::server {
namespace {

using Json = nlohmann::json;

const char kSpec[] = R"({
  "openapi": "3.0.3",
  "paths": {
    "/things/{id}": {"get": {"responses": {
      "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
      "4XX": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    }}},
    "/things/special": {"get": {"responses": {"default": {"description": "none"}}}}
  },
  "components": {"schemas": {
    "Thing": {"type": "object", "required": ["id", "count"], "additionalProperties": false,
      "properties": {
        "id": {"type": "string"},
        "count": {"type": "integer", "minimum": 0},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "score": {"type": "number", "nullable": true}
      }},
    "Error": {"type": "object", "required": ["error"],
      "properties": {"error": {"type": "string"}}}
  }}
})";

TEST(OpenApiValidatorTest, AcceptsAndRejectsBodies) {
  absl::StatusOr<OpenApiValidator> v = OpenApiValidator::FromJson(Json::parse(kSpec));
  ASSERT_TRUE(v.ok()) << v.status();
  struct Case {
    const char* path;
    int status;
    const char* body;
    bool valid;
  };
  const Case cases[] = {
      {"/things/1", 200, R"({"id":"x","count":2})", true},
      {"/things/1", 200, R"({"id":"x","count":2,"kind":"b","tags":["t"],"score":null})", true},
      {"/things/1", 200, R"({"id":"x"})", false},                     // required
      {"/things/1", 200, R"({"id":"x","count":-1})", false},          // minimum
      {"/things/1", 200, R"({"id":"x","count":1.5})", false},         // integer
      {"/things/1", 200, R"({"id":"x","count":1,"kind":"c"})", false},  // enum
      {"/things/1", 200, R"({"id":"x","count":1,"tags":[1]})", false},  // items
      {"/things/1", 200, R"({"id":"x","count":1,"extra":1})", false},   // additional
      {"/things/1", 200, R"({"id":null,"count":1})", false},            // not nullable
      {"/things/1", 200, "not json", false},
      {"/things/1", 404, R"({"error":"not_found"})", true},             // 4XX
      {"/things/1", 404, R"({"detail":"x"})", false},
  };
  for (const Case& c : cases) {
    absl::Status s = v->ValidateResponse("GET", c.path, c.status, c.body);
    EXPECT_EQ(s.ok(), c.valid) << c.path << " " << c.status << " " << c.body << ": " << s;
  }
  EXPECT_EQ(v->ValidateResponse("GET", "/things/1", 500, "{}").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(v->ValidateResponse("POST", "/things/1", 200, "{}").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(v->ValidateResponse("GET", "/nothing", 200, "{}").code(), absl::StatusCode::kNotFound);
  // The literal path wins over the template.
  EXPECT_TRUE(v->ValidateResponse("GET", "/things/special", 200, "").ok());
}

TEST(OpenApiValidatorTest, RepositorySpecLoads) {
  absl::StatusOr<OpenApiValidator> v = OpenApiValidator::Load(testing::OpenApiPath());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->ValidateResponse("GET", "/health", 200, R"({"status":"ok","uptime_seconds":3})")
                  .ok());
  EXPECT_FALSE(v->ValidateResponse("GET", "/health", 200, R"({"uptime_seconds":3})").ok());
}

}  // namespace
}  // namespace newsdex::server
