#include "store/value_order.h"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace authref {
namespace {

// Rank of each type in Convex's order (docs.convex.dev, "Ordering"); bigint
// and bytes cannot arrive through JSON.
int type_rank(const Json* value) {
  if (value == nullptr) return 0;
  switch (value->type()) {
    case Json::value_t::null:
      return 1;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return 2;
    case Json::value_t::boolean:
      return 3;
    case Json::value_t::string:
      return 4;
    case Json::value_t::binary:
      return 5;
    case Json::value_t::array:
      return 6;
    case Json::value_t::object:
      return 7;
    case Json::value_t::discarded:
      return 8;
  }
  return 8;
}

// IEEE 754 totalOrder as Convex uses it: -0 before +0, NaN last.
int compare_numbers(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) - std::isnan(b);
  if (a < b) return -1;
  if (a > b) return 1;
  return std::signbit(b) - std::signbit(a);
}

int sign(int value) { return (value > 0) - (value < 0); }

}  // namespace

int compare_number_to(double a, const Json* b) {
  const int rank_b = type_rank(b);
  if (rank_b != 2) return 2 < rank_b ? -1 : 1;
  return compare_numbers(a, number_value(*b));
}

int compare_string_to(std::string_view a, const Json* b) {
  const int rank_b = type_rank(b);
  if (rank_b != 4) return 4 < rank_b ? -1 : 1;
  return sign(a.compare(b->get_ref<const std::string&>()));
}

double number_value(const Json& number) {
  switch (number.type()) {
    case Json::value_t::number_integer:
      return static_cast<double>(number.get<std::int64_t>());
    case Json::value_t::number_unsigned:
      return static_cast<double>(number.get<std::uint64_t>());
    case Json::value_t::number_float:
      return number.get<double>();
    default:
      return std::nan("");
  }
}

int compare_values(const Json* a, const Json* b) {
  const int rank_a = type_rank(a);
  const int rank_b = type_rank(b);
  if (rank_a != rank_b) return rank_a < rank_b ? -1 : 1;
  switch (rank_a) {
    case 2:
      return compare_numbers(number_value(*a), number_value(*b));
    case 3:
      return static_cast<int>(a->get<bool>()) - static_cast<int>(b->get<bool>());
    case 4: {
      // Byte order of UTF-8 is code point order, which is Convex's order.
      const auto& sa = a->get_ref<const std::string&>();
      const auto& sb = b->get_ref<const std::string&>();
      return sign(sa.compare(sb));
    }
    case 6: {
      const std::size_t n = std::min(a->size(), b->size());
      for (std::size_t i = 0; i < n; ++i) {
        if (int c = compare_values(&(*a)[i], &(*b)[i]); c != 0) return c;
      }
      return a->size() < b->size() ? -1 : (a->size() > b->size() ? 1 : 0);
    }
    case 7: {
      // Objects compare as their (key, value) pairs in key order.
      std::vector<std::pair<std::string_view, const Json*>> fa, fb;
      for (const auto& [k, v] : a->items()) fa.emplace_back(k, &v);
      for (const auto& [k, v] : b->items()) fb.emplace_back(k, &v);
      std::ranges::sort(fa);
      std::ranges::sort(fb);
      const std::size_t n = std::min(fa.size(), fb.size());
      for (std::size_t i = 0; i < n; ++i) {
        if (int c = sign(fa[i].first.compare(fb[i].first)); c != 0) return c;
        if (int c = compare_values(fa[i].second, fb[i].second); c != 0) return c;
      }
      return fa.size() < fb.size() ? -1 : (fa.size() > fb.size() ? 1 : 0);
    }
    default:
      return 0;
  }
}

}  // namespace authref
