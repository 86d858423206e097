#include "auth/models.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace authref {
namespace {

constexpr std::array kUser = {
    ModelField{"name", FieldType::kString},
    ModelField{"email", FieldType::kString},
    ModelField{"emailVerified", FieldType::kBoolean},
    ModelField{"image", FieldType::kString},
    ModelField{"createdAt", FieldType::kDate},
    ModelField{"updatedAt", FieldType::kDate},
    // Added to Better Auth's user schema by the convex plugin (input: false).
    ModelField{"userId", FieldType::kString},
};
constexpr std::array kSession = {
    ModelField{"expiresAt", FieldType::kDate},   ModelField{"token", FieldType::kString},
    ModelField{"createdAt", FieldType::kDate},   ModelField{"updatedAt", FieldType::kDate},
    ModelField{"ipAddress", FieldType::kString}, ModelField{"userAgent", FieldType::kString},
    ModelField{"userId", FieldType::kString},
};
constexpr std::array kAccount = {
    ModelField{"accountId", FieldType::kString},
    ModelField{"providerId", FieldType::kString},
    ModelField{"userId", FieldType::kString},
    ModelField{"accessToken", FieldType::kString, false},
    ModelField{"refreshToken", FieldType::kString, false},
    ModelField{"idToken", FieldType::kString, false},
    ModelField{"accessTokenExpiresAt", FieldType::kDate, false},
    ModelField{"refreshTokenExpiresAt", FieldType::kDate, false},
    ModelField{"scope", FieldType::kString},
    ModelField{"password", FieldType::kString, false},
    ModelField{"createdAt", FieldType::kDate},
    ModelField{"updatedAt", FieldType::kDate},
};
constexpr std::array kVerification = {
    ModelField{"identifier", FieldType::kString}, ModelField{"value", FieldType::kString},
    ModelField{"expiresAt", FieldType::kDate},    ModelField{"createdAt", FieldType::kDate},
    ModelField{"updatedAt", FieldType::kDate},
};
constexpr std::array kJwks = {
    ModelField{"publicKey", FieldType::kString},
    ModelField{"privateKey", FieldType::kString},
    ModelField{"createdAt", FieldType::kDate},
    ModelField{"expiresAt", FieldType::kDate},
};

}  // namespace

std::span<const ModelField> model_fields(std::string_view model) {
  if (model == "user") return kUser;
  if (model == "session") return kSession;
  if (model == "account") return kAccount;
  if (model == "verification") return kVerification;
  if (model == "jwks") return kJwks;
  return {};
}

std::string iso_date(std::int64_t epoch_ms) {
  std::int64_t seconds = epoch_ms >= 0 ? epoch_ms / 1000 : -((-epoch_ms + 999) / 1000);
  int millis = static_cast<int>(epoch_ms - seconds * 1000);
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buffer;
}

Json to_wire(std::string_view model, const Json& record, DatesMode dates) {
  Json out = Json::object();
  auto fields = model_fields(model);
  for (auto it = record.begin(); it != record.end(); ++it) {
    const ModelField* field = nullptr;
    for (const ModelField& f : fields) {
      if (f.name == it.key()) field = &f;
    }
    if (field && !field->returned) continue;
    if (field && field->type == FieldType::kDate && dates == DatesMode::kIso &&
        it.value().is_number()) {
      out[it.key()] = iso_date(static_cast<std::int64_t>(std::floor(it.value().get<double>())));
    } else {
      out[it.key()] = it.value();
    }
  }
  return out;
}

}  // namespace authref
