// The decoded query string of a request, as the HTTP parser hands it over
// (server/http_parser.h) and the parameter checks read it
// (server/request_params.h). Its own header so that the parser does not
// depend on the search library the parameter checks build requests for.
#ifndef NEWSDEX_SERVER_QUERY_PARAMS_H_
#define NEWSDEX_SERVER_QUERY_PARAMS_H_

#include <map>
#include <string>

namespace newsdex::server {

// Parameter name -> value, both percent-decoded; a name may repeat, and its
// values keep their order in the query string.
using QueryParams = std::multimap<std::string, std::string>;

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_QUERY_PARAMS_H_
