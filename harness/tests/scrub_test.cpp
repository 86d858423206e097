// Scrubber: what two targets' answers keep and lose before they are
// compared. Each row is a value as a real target sends it and what must be
// left; a scrubber that hides too much (an error code, the date form, a key)
// or too little (a token) fails a row.
#include "authconf/scrub.h"

#include <gtest/gtest.h>

#include "authconf/encoding.h"

namespace authconf {
namespace {

std::string jwt(const Json& header, const Json& payload) {
  return base64url_encode(to_bytes(header.dump())) + "." +
         base64url_encode(to_bytes(payload.dump())) + ".c2lnbmF0dXJl";
}

struct JsonRow {
  std::string name;
  Json in;
  Json out;
};

class ScrubJson : public ::testing::TestWithParam<JsonRow> {};

TEST_P(ScrubJson, Row) {
  Scrubber scrubber({"http://127.0.0.1:34935"});
  EXPECT_EQ(scrubber.json(GetParam().in), GetParam().out);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ScrubJson,
    ::testing::Values(
        JsonRow{"error_code_kept",
                {{"code", "INVALID_EMAIL_OR_PASSWORD"}, {"message", "Invalid email or password"}},
                {{"code", "INVALID_EMAIL_OR_PASSWORD"}, {"message", "Invalid email or password"}}},
        JsonRow{"ids_numbered_in_order_and_recurring",
                {{"id", "Jv1mN3q8ZrT0aQw2Xy7uKp4sLd6fGh9b"},
                 {"userId", "0000000000000000000000010001user"},
                 {"again", "Jv1mN3q8ZrT0aQw2Xy7uKp4sLd6fGh9b"}},
                {{"id", "<opaque-1>"}, {"userId", "<opaque-2>"}, {"again", "<opaque-1>"}}},
        JsonRow{"date_forms_kept_apart",
                {{"createdAt", "2026-11-23T10:00:00.000Z"}, {"updatedAt", 1795344977075}},
                {{"createdAt", "<iso-date>"}, {"updatedAt", "<epoch-ms>"}}},
        JsonRow{
            "small_numbers_kept", {{"expiresIn", 900}, {"n", 3}}, {{"expiresIn", 900}, {"n", 3}}},
        JsonRow{"own_origin_and_token_in_url",
                {{"url",
                  "http://127.0.0.1:34935/api/auth/reset-password/"
                  "AbCdEfGhIjKlMnOpQrSt12?callbackURL=%2F"}},
                {{"url", "<origin>/api/auth/reset-password/<opaque-1>?callbackURL=%2F"}}},
        JsonRow{"other_origins_kept",
                {{"url", "http://localhost:5173/done"}},
                {{"url", "http://localhost:5173/done"}}},
        JsonRow{"words_and_kebab_kept",
                {{"provider", "credential"}, {"kind", "reset-password"}},
                {{"provider", "credential"}, {"kind", "reset-password"}}},
        JsonRow{"key_order_kept", Json::parse(R"({"b":1,"a":2})"), Json::parse(R"({"b":1,"a":2})")},
        JsonRow{"jwt_decoded_signature_dropped",
                {{"token", jwt({{"alg", "RS256"}, {"kid", "Xk2pQ9wLm4Rt7Yv1Bn6Cz3Ds"}},
                               {{"sub", "Jv1mN3q8ZrT0aQw2Xy7uKp4sLd6fGh9b"},
                                {"iss", "http://127.0.0.1:34935"},
                                {"aud", "convex"},
                                {"iat", 1795344977},
                                {"exp", 1795345877}})}},
                {{"token",
                  {{"jwt",
                    {{"header", {{"alg", "RS256"}, {"kid", "<opaque-1>"}}},
                     {"payload",
                      {{"sub", "<opaque-2>"},
                       {"iss", "<origin>"},
                       {"aud", "convex"},
                       {"iat", "<epoch-s>"},
                       {"exp", "<iat+900>"}}}}}}}}},
        JsonRow{"three_dotted_words_not_a_jwt", {{"v", "a.b.c"}}, {{"v", "a.b.c"}}}),
    [](const ::testing::TestParamInfo<JsonRow>& row) { return row.param.name; });

struct CookieRow {
  std::string name;
  std::string in;
  std::string out;
};

class ScrubSetCookie : public ::testing::TestWithParam<CookieRow> {};

TEST_P(ScrubSetCookie, Row) {
  Scrubber scrubber({"http://127.0.0.1:34935"});
  EXPECT_EQ(scrubber.set_cookie(GetParam().in), GetParam().out);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ScrubSetCookie,
    ::testing::Values(
        CookieRow{
            "value_hidden_attributes_kept",
            "better-auth.session_token=AbC123xyz.SIGna%2Bture%3D; Max-Age=604800; Path=/; "
            "HttpOnly; SameSite=Lax",
            "better-auth.session_token=<value>; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"},
        CookieRow{"deletion_stays_empty", "better-auth.session_token=; Max-Age=0; Path=/",
                  "better-auth.session_token=; Max-Age=0; Path=/"},
        CookieRow{"expires_hidden", "a=b; Expires=Wed, 30 Nov 2026 10:00:00 GMT; Secure",
                  "a=<value>; Expires=<date>; Secure"}),
    [](const ::testing::TestParamInfo<CookieRow>& row) { return row.param.name; });

TEST(ScrubExchange, KeepsStatusComparedHeadersAndBody) {
  Exchange exchange;
  exchange.status = 403;
  exchange.response_headers = {{"Content-Type", "application/json"},
                               {"Date", "Mon, 23 Nov 2026 10:00:00 GMT"},
                               {"Access-Control-Allow-Origin", "http://localhost:5173"},
                               {"Location", "http://127.0.0.1:34935/x"}};
  exchange.response_body = R"({"code":"INVALID_ORIGIN","message":"Invalid origin"})";
  Scrubber scrubber({"http://127.0.0.1:34935"});
  EXPECT_EQ(scrubber.exchange(exchange),
            Json::parse(R"({"status":403,"headers":{"content-type":["application/json"],
              "location":["<origin>/x"],"access-control-allow-origin":["http://localhost:5173"]},
              "body":{"code":"INVALID_ORIGIN","message":"Invalid origin"}})"));
}

TEST(ScrubExchange, TextBodyKeptAsText) {
  Exchange exchange;
  exchange.status = 404;
  exchange.response_body = "404 Not Found";
  Scrubber scrubber({});
  EXPECT_EQ(scrubber.exchange(exchange)["body"], "404 Not Found");
}

}  // namespace
}  // namespace authconf
