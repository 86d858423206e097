// Concurrency of the reference: several writer threads hammer the component's
// `user` table through the component functions while reader threads watch.
// Checked: no write is lost (every created user is there with the last value
// its thread wrote, and nothing else is), and no reader ever sees half of a
// transaction: the dual-store trigger writes the app's `users` row in the same
// transaction as the component's `user`, so one read transaction must always
// see both or neither, with the same name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/reference_app.h"
#include "store/js_value.h"

namespace authref {
namespace {

using ::testing::IsEmpty;

constexpr int kWriters = 8;
constexpr int kOpsPerWriter = 300;
constexpr int kReaders = 3;
constexpr std::size_t kStampPage = 5;  // numItems of the writers' updateMany
constexpr int kMaxReads = 2000;        // per reader: bounds the test even if writers stall

// What one writer did and expects to find at the end.
struct WriterLog {
  struct Expected {
    std::string name;
    std::string image;  // "" while no updateMany has reached it
  };
  std::map<std::string, Expected> live;  // _id -> last written values
  int creates = 0;
  int deletes = 0;
  std::vector<std::string> errors;
};

class Problems {
 public:
  void note(std::string problem) {
    std::lock_guard lock(mutex_);
    if (problems_.size() < 20) problems_.push_back(std::move(problem));
  }
  std::vector<std::string> take() {
    std::lock_guard lock(mutex_);
    return problems_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> problems_;
};

Json where_eq(const std::string& field, const std::string& value) {
  return Json::array({{{"field", field}, {"value", value}}});
}

// Writer `t`: creates users (userId = its own tag, so an index finds them),
// renames them one at a time, stamps all of them at once with updateMany,
// and deletes some. Every result is checked against what was asked for.
void write_users(ReferenceApp& app, int t, WriterLog& log) {
  const std::string tag = "w" + std::to_string(t);
  std::vector<std::string> own;  // live ids, creation order
  auto call = [&](ComponentFunction function, const Json& args) {
    auto result = app.component().call(function, args);
    if (!result) {
      log.errors.push_back(std::string(to_string(function)) + " " + js_stringify(args) + " threw " +
                           result.error().detail);
    }
    return result;
  };
  for (int i = 0; i < kOpsPerWriter; ++i) {
    const std::string stamp = tag + "-" + std::to_string(i);
    const int op = i % 10;
    if (own.empty() || op < 3) {
      Json data = {{"name", stamp},  {"email", stamp + "@x.io"}, {"emailVerified", false},
                   {"createdAt", 1}, {"updatedAt", 1},           {"userId", tag}};
      Json args = Json::object();
      args["input"] = {{"model", "user"}, {"data", data}};
      if (auto created = call(ComponentFunction::kCreate, args)) {
        const std::string id = (*created)["_id"].get<std::string>();
        own.push_back(id);
        log.live[id] = {stamp, ""};
        ++log.creates;
      }
    } else if (op == 9) {
      const std::string id = own.front();
      Json args = {{"input", {{"model", "user"}, {"where", where_eq("_id", id)}}}};
      if (auto deleted = call(ComponentFunction::kDeleteOne, args)) {
        if (deleted->is_null() || (*deleted)["_id"] != id) {
          log.errors.push_back("deleteOne missed " + id);
        }
        own.erase(own.begin());
        log.live.erase(id);
        ++log.deletes;
      }
    } else if (op == 8) {
      // One page of kStampPage: the writer's oldest live users, since the
      // userId index orders them by creation time.
      Json args = {
          {"input",
           {{"model", "user"}, {"update", {{"image", stamp}}}, {"where", where_eq("userId", tag)}}},
          {"paginationOpts", {{"numItems", kStampPage}, {"cursor", nullptr}}}};
      const std::size_t touched = std::min(own.size(), kStampPage);
      if (auto updated = call(ComponentFunction::kUpdateMany, args)) {
        Json ids = Json::array();
        for (std::size_t k = 0; k < touched; ++k) ids.push_back(own[k]);
        if ((*updated)["ids"] != ids || (*updated)["isDone"] != (own.size() < kStampPage)) {
          log.errors.push_back("updateMany " + stamp + " returned " + js_stringify(*updated) +
                               ", expected ids " + js_stringify(ids));
        }
        for (std::size_t k = 0; k < touched; ++k) log.live[own[k]].image = stamp;
      }
    } else {
      const std::string id = own[static_cast<std::size_t>(i) % own.size()];
      Json args = {
          {"input",
           {{"model", "user"}, {"update", {{"name", stamp}}}, {"where", where_eq("_id", id)}}}};
      if (auto updated = call(ComponentFunction::kUpdateOne, args)) {
        if ((*updated)["name"] != stamp) {
          log.errors.push_back("updateOne returned " + js_stringify(*updated));
        }
        log.live[id].name = stamp;
      }
    }
  }
}

// One read transaction over both spaces: every component user has exactly
// one app row with its name, and there are no other rows.
void check_pairs(ReferenceApp& app, Problems& problems) {
  app.database().read([&](ReadTx& tx) {
    const Table* users = tx.table(ReferenceApp::kComponentSpace, "user");
    const Table* rows = tx.table(ReferenceApp::kAppSpace, "users");
    std::map<std::string, std::string> name_of;
    for (const IndexEntry& entry : users->by_creation_time().entries()) {
      name_of[*entry.id] = (*entry.document)["name"].get<std::string>();
    }
    std::set<std::string> paired;
    for (const IndexEntry& entry : rows->by_creation_time().entries()) {
      const std::string auth_id = (*entry.document)["authId"].get<std::string>();
      const auto it = name_of.find(auth_id);
      if (it == name_of.end()) {
        problems.note("app row without its user: " + js_stringify(*entry.document));
      } else if ((*entry.document)["name"] != it->second) {
        problems.note("app row " + js_stringify(*entry.document) + " but the user's name is " +
                      it->second);
      }
      if (!paired.insert(auth_id).second) problems.note("two app rows for " + auth_id);
    }
    if (paired.size() != name_of.size() || rows->size() != users->size()) {
      problems.note(std::to_string(users->size()) + " users but " + std::to_string(rows->size()) +
                    " app rows");
    }
  });
}

// Pages through one writer's users by the userId index while writers run:
// each page is one transaction, so documents may come and go between pages,
// but the index order (creation order within userId) never goes backwards
// and no document shows up twice.
void check_paging(ReferenceApp& app, const std::string& tag, Problems& problems) {
  Json cursor = nullptr;
  std::set<std::string> seen;
  double last_creation = 0;
  for (int page = 0; page < 1000; ++page) {
    Json args = {{"model", "user"},
                 {"where", where_eq("userId", tag)},
                 {"paginationOpts", {{"numItems", 7}, {"cursor", cursor}}}};
    auto result = app.component().call(ComponentFunction::kFindMany, args);
    if (!result) {
      problems.note("findMany threw " + result.error().detail);
      return;
    }
    for (const Json& doc : (*result)["page"]) {
      if (doc["userId"] != tag) {
        problems.note("findMany by " + tag + " returned " + js_stringify(doc));
      }
      if (!seen.insert(doc["_id"].get<std::string>()).second) {
        problems.note("seen twice: " + js_stringify(doc));
      }
      const double creation = doc["_creationTime"].get<double>();
      if (creation <= last_creation) problems.note("out of order: " + js_stringify(doc));
      last_creation = creation;
    }
    if ((*result)["isDone"] == true) return;
    cursor = (*result)["continueCursor"];
  }
  problems.note("findMany by " + tag + " never finished");
}

TEST(Concurrency, WritersLoseNothingAndReadersNeverSeeHalfATransaction) {
  ManualClock clock(1795344700166.0);
  ReferenceApp::Options options;
  options.id_seed = 11;
  options.warn = [](const std::string&) {};
  ReferenceApp app(clock, options);

  std::vector<WriterLog> logs(kWriters);
  std::atomic<int> writers_running{kWriters};
  std::atomic<int> reads{0};
  Problems problems;

  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      write_users(app, t, logs[static_cast<std::size_t>(t)]);
      writers_running.fetch_sub(1);
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      for (int n = 0; n < kMaxReads && writers_running.load() > 0; ++n) {
        if (n % 8 == 0) {
          check_paging(app, "w" + std::to_string((r + n) % kWriters), problems);
        } else {
          check_pairs(app, problems);
        }
        reads.fetch_add(1);
        // Let writers in: glibc's rwlock prefers readers.
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_THAT(problems.take(), IsEmpty());
  EXPECT_GT(reads.load(), 0);
  check_pairs(app, problems);
  EXPECT_THAT(problems.take(), IsEmpty()) << "after every writer finished";

  // No write lost: exactly the live users, each with its last values.
  const Json users = app.database().documents(ReferenceApp::kComponentSpace, "user");
  std::map<std::string, Json> stored;
  for (const Json& user : users) stored[user["_id"].get<std::string>()] = user;
  std::size_t expected_count = 0;
  for (int t = 0; t < kWriters; ++t) {
    const WriterLog& log = logs[static_cast<std::size_t>(t)];
    EXPECT_THAT(log.errors, IsEmpty()) << "writer " << t;
    EXPECT_EQ(log.live.size(), static_cast<std::size_t>(log.creates - log.deletes));
    expected_count += log.live.size();
    for (const auto& [id, expected] : log.live) {
      const auto it = stored.find(id);
      ASSERT_NE(it, stored.end()) << "writer " << t << " lost " << id;
      EXPECT_EQ(it->second["name"], expected.name) << id;
      if (expected.image.empty()) {
        EXPECT_FALSE(it->second.contains("image")) << js_stringify(it->second);
      } else {
        EXPECT_EQ(it->second["image"], expected.image) << id;
      }
      EXPECT_EQ(it->second["userId"], "w" + std::to_string(t));
    }
  }
  EXPECT_EQ(users.size(), expected_count);
  EXPECT_EQ(app.database().documents(ReferenceApp::kAppSpace, "users").size(), expected_count);
}

}  // namespace
}  // namespace authref
