// What the reference store costs (issue 3): findOne by _id and by a unique
// index at 10^3, 10^4 and 10^5 users, a findMany page of 100 at 10^5 users,
// and the heap bytes each stored user costs. The BM_Part_* benchmarks time
// pieces of the findOne and findMany paths on their own, so that the cost of
// a call can be split between them (bench/README.md).
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "app/reference_app.h"

// Counts heap allocations made through operator new, so that each benchmark
// can report how many one call makes (the "allocs" counter). The benchmarks
// run on one thread; the increment costs about a nanosecond. The pair is
// kept out of line so that GCC does not match the inlined malloc and free
// against the operator new and delete of the call sites
// (-Wmismatched-new-delete).
namespace {
std::size_t allocations = 0;
}  // namespace

[[gnu::noinline]] void* operator new(std::size_t size) {
  ++allocations;
  if (void* block = std::malloc(size == 0 ? 1 : size)) return block;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* block) noexcept { std::free(block); }
[[gnu::noinline]] void operator delete(void* block, std::size_t) noexcept { std::free(block); }

namespace {

// Sets state.counters["allocs"] to the allocations per iteration since `start`.
void report_allocations(benchmark::State& state, std::size_t start) {
  state.counters["allocs"] = benchmark::Counter(static_cast<double>(allocations - start),
                                                benchmark::Counter::kAvgIterations);
}

using authref::ComponentFunction;
using authref::Json;

constexpr double kStartMs = 1795344700166.0;
constexpr std::uint64_t kIdSeed = 42;
constexpr std::int64_t kMaxUsers = 100'000;

authref::ReferenceApp::Options quiet_options() {
  authref::ReferenceApp::Options options;
  options.id_seed = kIdSeed;
  options.warn = [](const std::string&) {};
  return options;
}

std::string email_of(std::int64_t n) { return "user" + std::to_string(n) + "@example.com"; }

// create's arguments for the n-th user, as Better Auth's sign-up sends them.
Json create_user_args(std::int64_t n) {
  Json data = Json::object();
  data["name"] = "User " + std::to_string(n);
  data["email"] = email_of(n);
  data["emailVerified"] = false;
  data["createdAt"] = kStartMs;
  data["updatedAt"] = kStartMs;
  Json args = Json::object();
  args["input"] = Json::object();
  args["input"]["model"] = "user";
  args["input"]["data"] = std::move(data);
  return args;
}

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "reference_store_bench: %s\n", message.c_str());
  std::abort();
}

// Inserts users 0..count-1 through Component::call; appends their ids to
// `ids` when given.
void insert_users(authref::ReferenceApp& app, std::int64_t count, std::vector<std::string>* ids) {
  for (std::int64_t n = 0; n < count; ++n) {
    auto created = app.component().call(ComponentFunction::kCreate, create_user_args(n));
    if (!created) die("create failed: " + created.error().detail);
    if (ids != nullptr) ids->push_back(created->at("_id").get<std::string>());
  }
}

// findOne {model: "user", where: [{field, value}]}.
Json find_one_args(const char* field, const std::string& value) {
  Json clause = Json::object();
  clause["field"] = field;
  clause["value"] = value;
  Json args = Json::object();
  args["model"] = "user";
  args["where"] = Json::array({std::move(clause)});
  return args;
}

// findMany {model: "user", paginationOpts: {numItems, cursor}}.
Json find_many_args(double num_items, const Json& cursor) {
  Json args = Json::object();
  args["model"] = "user";
  args["paginationOpts"] = Json::object();
  args["paginationOpts"]["numItems"] = num_items;
  args["paginationOpts"]["cursor"] = cursor;
  return args;
}

// A reference app holding `users` users, built once per size and kept for
// the whole run, with the findOne arguments for every user in a shuffled
// order: each iteration asks for a different user, not in insertion order.
struct Store {
  explicit Store(std::int64_t users) : app(clock, quiet_options()) {
    std::vector<std::string> ids;
    ids.reserve(static_cast<std::size_t>(users));
    insert_users(app, users, &ids);
    std::vector<std::int64_t> order(static_cast<std::size_t>(users));
    for (std::int64_t n = 0; n < users; ++n) order[static_cast<std::size_t>(n)] = n;
    std::shuffle(order.begin(), order.end(), std::mt19937_64(kIdSeed));
    for (std::int64_t n : order) {
      by_id.push_back(find_one_args("_id", ids[static_cast<std::size_t>(n)]));
      by_email.push_back(find_one_args("email", email_of(n)));
    }
  }

  authref::ManualClock clock{kStartMs};
  authref::ReferenceApp app;
  std::vector<Json> by_id;
  std::vector<Json> by_email;
};

Store& store_of(std::int64_t users) {
  static std::map<std::int64_t, std::unique_ptr<Store>> cache;
  std::unique_ptr<Store>& store = cache[users];
  if (!store) store = std::make_unique<Store>(users);
  return *store;
}

const std::vector<Json>& queries_of(Store& store, bool by_email) {
  return by_email ? store.by_email : store.by_id;
}

// Checks that the queries find their users before timing them.
bool finds_its_user(Store& store, const Json& query) {
  auto found = store.app.component().call(ComponentFunction::kFindOne, query);
  if (!found || !found->is_object()) return false;
  const Json& clause = query["where"][0];
  return found->at(clause["field"].get<std::string>()) == clause["value"];
}

// findOne through Component::call, a different user each iteration.
void BM_FindOne(benchmark::State& state, bool by_email) {
  Store& store = store_of(state.range(0));
  const std::vector<Json>& queries = queries_of(store, by_email);
  if (!finds_its_user(store, queries.front()) || !finds_its_user(store, queries.back())) {
    state.SkipWithError("findOne did not return the user it was asked for");
    return;
  }
  std::size_t next = 0;
  const std::size_t start = allocations;
  for (auto _ : state) {
    auto found = store.app.component().call(ComponentFunction::kFindOne, queries[next]);
    benchmark::DoNotOptimize(found);
    if (++next == queries.size()) next = 0;
  }
  report_allocations(state, start);
}
BENCHMARK_CAPTURE(BM_FindOne, by_id, false)->RangeMultiplier(10)->Range(1'000, kMaxUsers);
BENCHMARK_CAPTURE(BM_FindOne, by_email, true)->RangeMultiplier(10)->Range(1'000, kMaxUsers);

// The first page of 100 of the whole user table (no where clause).
void BM_FindManyFirstPage(benchmark::State& state) {
  Store& store = store_of(state.range(0));
  const Json args = find_many_args(100, nullptr);
  auto first = store.app.component().call(ComponentFunction::kFindMany, args);
  if (!first || (*first)["page"].size() != 100) {
    state.SkipWithError("findMany did not return a page of 100");
    return;
  }
  const std::size_t start = allocations;
  for (auto _ : state) {
    auto page = store.app.component().call(ComponentFunction::kFindMany, args);
    benchmark::DoNotOptimize(page);
  }
  report_allocations(state, start);
}
BENCHMARK(BM_FindManyFirstPage)
    ->RangeMultiplier(10)
    ->Range(1'000, kMaxUsers)
    ->Unit(benchmark::kMicrosecond);

// The same two calls through the shared path a server uses
// (Component::find_one_document / find_many_page): the documents are the
// stored ones, not copies. `..._json_text` adds writing the page as the JSON
// text that goes on the wire.
void BM_FindOneShared(benchmark::State& state, bool by_email) {
  Store& store = store_of(state.range(0));
  const std::vector<Json>& queries = queries_of(store, by_email);
  if (!finds_its_user(store, queries.front())) {
    state.SkipWithError("findOne did not return the user it was asked for");
    return;
  }
  std::size_t next = 0;
  const std::size_t start = allocations;
  for (auto _ : state) {
    auto found = store.app.component().find_one_document(queries[next]);
    benchmark::DoNotOptimize(found);
    if (++next == queries.size()) next = 0;
  }
  report_allocations(state, start);
}
BENCHMARK_CAPTURE(BM_FindOneShared, by_id, false)->RangeMultiplier(10)->Range(1'000, kMaxUsers);
BENCHMARK_CAPTURE(BM_FindOneShared, by_email, true)->RangeMultiplier(10)->Range(1'000, kMaxUsers);

void BM_FindManyFirstPageShared(benchmark::State& state, bool with_text) {
  Store& store = store_of(state.range(0));
  const Json args = find_many_args(100, nullptr);
  auto first = store.app.component().find_many_page(args);
  if (!first || first->documents.size() != 100) {
    state.SkipWithError("findMany did not return a page of 100");
    return;
  }
  const std::size_t start = allocations;
  for (auto _ : state) {
    auto page = store.app.component().find_many_page(args);
    if (with_text) {
      std::string text = page->to_json_text();
      benchmark::DoNotOptimize(text);
    }
    benchmark::DoNotOptimize(page);
  }
  report_allocations(state, start);
}
BENCHMARK_CAPTURE(BM_FindManyFirstPageShared, page, false)
    ->RangeMultiplier(10)
    ->Range(1'000, kMaxUsers)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_FindManyFirstPageShared, page_json_text, true)
    ->Arg(kMaxUsers)
    ->Unit(benchmark::kMicrosecond);

// Every page of 100 in turn, following continueCursor and starting over when
// done: what reading the whole table costs per page, cursor parsing included.
void BM_FindManyWalk(benchmark::State& state) {
  Store& store = store_of(state.range(0));
  Json cursor = nullptr;
  for (auto _ : state) {
    auto page =
        store.app.component().call(ComponentFunction::kFindMany, find_many_args(100, cursor));
    if (!page) {
      state.SkipWithError(page.error().detail.c_str());
      break;
    }
    cursor = (*page)["isDone"].get<bool>() ? Json(nullptr) : (*page)["continueCursor"];
  }
}
BENCHMARK(BM_FindManyWalk)->Arg(kMaxUsers)->Unit(benchmark::kMicrosecond);

// --- Parts of the read path, at 10^5 users -------------------------------

// Taking and dropping the shared lock: Database::read with nothing inside.
void BM_Part_ReadLock(benchmark::State& state) {
  Store& store = store_of(kMaxUsers);
  const std::size_t start = allocations;
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.app.database().read([](authref::ReadTx&) { return 1; }));
  }
  report_allocations(state, start);
}
BENCHMARK(BM_Part_ReadLock);

// Turning findOne's arguments into QueryArgs (copies each where clause's JSON).
void BM_Part_QueryArgsFromJson(benchmark::State& state) {
  Store& store = store_of(kMaxUsers);
  std::size_t next = 0;
  const std::size_t start = allocations;
  for (auto _ : state) {
    benchmark::DoNotOptimize(authref::QueryArgs::from_json(store.by_email[next]));
    if (++next == store.by_email.size()) next = 0;
  }
  report_allocations(state, start);
}
BENCHMARK(BM_Part_QueryArgsFromJson);

// The store lookups alone, under the lock: ctx.db.get(id) and the email index.
void BM_Part_StoreLookup(benchmark::State& state, bool by_email) {
  Store& store = store_of(kMaxUsers);
  const std::vector<Json>& queries = queries_of(store, by_email);
  authref::Database& db = store.app.database();
  const authref::Table* users = db.read(
      [](authref::ReadTx& tx) { return tx.table(authref::ReferenceApp::kComponentSpace, "user"); });
  const authref::Index* email_index = users->index("email_name");
  std::size_t next = 0;
  const std::size_t start = allocations;
  for (auto _ : state) {
    const Json& value = queries[next]["where"][0]["value"];
    authref::DocumentPtr document = db.read([&](authref::ReadTx& tx) -> authref::DocumentPtr {
      if (!by_email) return tx.get_any(authref::ReferenceApp::kComponentSpace, value);
      authref::IndexRange range;
      range.eq.push_back(value);
      authref::IndexScan scan = tx.scan(*email_index, range);
      const authref::IndexEntry* entry = scan.next();
      return entry ? entry->document : nullptr;
    });
    if (!document) state.SkipWithError("lookup missed");
    benchmark::DoNotOptimize(document);
    if (++next == queries.size()) next = 0;
  }
  report_allocations(state, start);
}
BENCHMARK_CAPTURE(BM_Part_StoreLookup, by_id, false);
BENCHMARK_CAPTURE(BM_Part_StoreLookup, by_email, true);

// The query engine's findOne without Component::call around it: argument
// validation and the Result are what BM_FindOne adds on top of this.
void BM_Part_EngineListOne(benchmark::State& state, bool by_email) {
  Store& store = store_of(kMaxUsers);
  const std::vector<Json>& queries = queries_of(store, by_email);
  const authref::QueryEngine& engine = store.app.component().engine();
  std::size_t next = 0;
  const std::size_t start = allocations;
  for (auto _ : state) {
    Json found = store.app.database().read([&](authref::ReadTx& tx) {
      return engine.list_one(tx, authref::QueryArgs::from_json(queries[next]));
    });
    benchmark::DoNotOptimize(found);
    if (++next == queries.size()) next = 0;
  }
  report_allocations(state, start);
}
BENCHMARK_CAPTURE(BM_Part_EngineListOne, by_id, false);
BENCHMARK_CAPTURE(BM_Part_EngineListOne, by_email, true);

// The findMany page through the engine, without validation.
void BM_Part_EnginePaginate(benchmark::State& state) {
  Store& store = store_of(kMaxUsers);
  const Json args = find_many_args(100, nullptr);
  const authref::QueryEngine& engine = store.app.component().engine();
  const std::size_t start = allocations;
  for (auto _ : state) {
    Json page = store.app.database().read([&](authref::ReadTx& tx) {
      return engine.paginate(tx, authref::QueryArgs::from_json(args));
    });
    benchmark::DoNotOptimize(page);
  }
  report_allocations(state, start);
}
BENCHMARK(BM_Part_EnginePaginate)->Unit(benchmark::kMicrosecond);

// Copying one stored user document: what select_fields does for every
// document returned without a select.
void BM_Part_CopyDocument(benchmark::State& state) {
  Store& store = store_of(kMaxUsers);
  std::vector<authref::DocumentPtr> documents;
  for (std::size_t i = 0; i < 1000; ++i) {
    const Json& value = store.by_id[i]["where"][0]["value"];
    documents.push_back(store.app.database().read([&](authref::ReadTx& tx) {
      return tx.get_any(authref::ReferenceApp::kComponentSpace, value);
    }));
  }
  std::size_t next = 0;
  const std::size_t start = allocations;
  for (auto _ : state) {
    Json copy = *documents[next];
    benchmark::DoNotOptimize(copy);
    if (++next == documents.size()) next = 0;
  }
  report_allocations(state, start);
}
BENCHMARK(BM_Part_CopyDocument);

// The findOne of BM_FindOne at 10^5 users, cycling through only the first
// range(0) users of the shuffled list: 1 keeps that user's memory in cache,
// 1000 is the working set of BM_FindOne at 10^3. Against BM_FindOne at 10^5,
// what reading cold memory costs, with the table size unchanged.
void BM_Part_FindOneFewUsers(benchmark::State& state, bool by_email) {
  Store& store = store_of(kMaxUsers);
  const std::vector<Json>& queries = queries_of(store, by_email);
  const auto few = static_cast<std::size_t>(state.range(0));
  std::size_t next = 0;
  const std::size_t start = allocations;
  for (auto _ : state) {
    auto found = store.app.component().call(ComponentFunction::kFindOne, queries[next]);
    benchmark::DoNotOptimize(found);
    if (++next == few) next = 0;
  }
  report_allocations(state, start);
}
BENCHMARK_CAPTURE(BM_Part_FindOneFewUsers, by_id, false)->Arg(1)->Arg(1'000);
BENCHMARK_CAPTURE(BM_Part_FindOneFewUsers, by_email, true)->Arg(1)->Arg(1'000);

// paginate's result object, {page, isDone, continueCursor}, around a page of
// 100 user documents. nlohmann's ordered_map is a std::vector of
// pair<const std::string, Json>; that pair's move constructor is not
// noexcept, so when the vector grows it copies its elements, and a page put
// in first is deep-copied each time a later key makes the vector grow.
// `page_first` builds the object as paginate_stream and done_page do;
// `page_last` adds the same keys with the page last.
void BM_Part_PageResult(benchmark::State& state, bool page_first) {
  Store& store = store_of(kMaxUsers);
  Json documents = Json::array();
  for (std::size_t i = 0; i < 100; ++i) {
    const Json& value = store.by_id[i]["where"][0]["value"];
    documents.push_back(*store.app.database().read([&](authref::ReadTx& tx) {
      return tx.get_any(authref::ReferenceApp::kComponentSpace, value);
    }));
  }
  const std::size_t start = allocations;
  for (auto _ : state) {
    Json page = documents;  // the copies select_fields makes
    Json result = Json::object();
    if (page_first) result["page"] = std::move(page);
    result["isDone"] = false;
    result["continueCursor"] = "[1795344700166.001,\"k57b3f4e0h2c9d8e7f6a5b4c3d2e1f0a9\"]";
    if (!page_first) result["page"] = std::move(page);
    benchmark::DoNotOptimize(result);
  }
  report_allocations(state, start);
}
BENCHMARK_CAPTURE(BM_Part_PageResult, page_first, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Part_PageResult, page_last, false)->Unit(benchmark::kMicrosecond);

// --- Memory --------------------------------------------------------------

// Heap bytes in use: small chunks (uordblks) plus the mmapped ones (hblkhd),
// where glibc puts big blocks such as the hash tables' bucket arrays.
struct Heap {
  std::size_t small = 0;
  std::size_t mapped = 0;
};

Heap heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return {info.uordblks, info.hblkhd};
}

// The default component schema with the user table's indexes cut down to
// `email_name`: the difference to the full schema is what the other four
// index entries of each user cost.
authref::Schema schema_with_one_user_index() {
  Json schema = Json::parse(authref::better_auth_component_schema_text());
  Json& indexes = schema["tables"]["user"]["indexes"];
  indexes = Json::object({{"email_name", indexes["email_name"]}});
  auto parsed = authref::parse_schema(schema);
  if (!parsed) die("the cut-down schema does not parse");
  return std::move(*parsed);
}

enum class Stored { kWithAppMirror, kComponentOnly, kComponentOneIndex };

// Inserts the users into a fresh app, once, and reports what the heap grew
// by per user. With the app mirror, the dual-store trigger also writes the
// app's `users` row; without it (the user triggers removed), the component's
// user document and its indexes only.
void BM_MemoryPerUser(benchmark::State& state, Stored stored) {
  const bool mirror = stored == Stored::kWithAppMirror;
  const std::int64_t users = state.range(0);
  double bytes = 0, small_bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    authref::ManualClock clock(kStartMs);
    authref::ReferenceApp::Options options = quiet_options();
    if (stored == Stored::kComponentOneIndex)
      options.component_schema = schema_with_one_user_index();
    auto app = std::make_unique<authref::ReferenceApp>(clock, std::move(options));
    if (!mirror) app->component().set_triggers("user", {});
    const Heap before = heap_in_use();
    state.ResumeTiming();
    insert_users(*app, users, nullptr);
    state.PauseTiming();
    const Heap after = heap_in_use();
    small_bytes = static_cast<double>(after.small) - static_cast<double>(before.small);
    bytes = small_bytes + static_cast<double>(after.mapped) - static_cast<double>(before.mapped);
    const std::size_t mirrored = app->database().documents("app", "users").size();
    if (mirrored != (mirror ? static_cast<std::size_t>(users) : 0)) {
      state.SkipWithError("the app users table does not hold what the triggers should write");
    }
    app.reset();
    state.ResumeTiming();
  }
  const double count = static_cast<double>(users);
  state.counters["bytes_per_user"] = bytes / count;
  state.counters["uordblks_per_user"] = small_bytes / count;
  state.counters["json_chars_per_user"] =
      static_cast<double>(create_user_args(users / 2)["input"]["data"].dump().size());
  state.SetItemsProcessed(users);
}
BENCHMARK_CAPTURE(BM_MemoryPerUser, with_app_mirror, Stored::kWithAppMirror)
    ->Arg(kMaxUsers)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MemoryPerUser, component_only, Stored::kComponentOnly)
    ->Arg(kMaxUsers)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MemoryPerUser, component_one_index, Stored::kComponentOneIndex)
    ->Arg(kMaxUsers)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
