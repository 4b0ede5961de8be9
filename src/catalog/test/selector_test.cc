// Selector parsing, canonical form, SQL compilation and selection over a real catalog.
#include "parity/catalog/selector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "catalog/test/catalog_fixtures.h"
#include "parity/catalog/catalog.h"

namespace parity {
namespace {

using catalog_testing::attr;
using catalog_testing::hex_id;
using catalog_testing::ids_of;
using catalog_testing::make_episode;
using catalog_testing::make_source;
using catalog_testing::options_with;
using catalog_testing::RawDb;
using catalog_testing::TestClock;
using catalog_testing::utc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string canonical(std::string_view text) {
  auto ast = parse_selector(text);
  EXPECT_TRUE(ast.ok()) << text << ": " << ast.status().to_string();
  return ast.ok() ? describe(**ast) : "<error>";
}

TEST(SelectorParseTest, CanonicalFormNormalisesKeywordsFieldsAndQuotes) {
  EXPECT_EQ(canonical(""), "");
  EXPECT_EQ(canonical("   "), "");
  EXPECT_EQ(canonical("DOMAIN=lab"), "domain = lab");
  EXPECT_EQ(canonical("Domain = lab AND (x = 1 OR NOT y IN (a, 'b c'))"),
            "domain = lab and (x = 1 or not y in (a, 'b c'))");
  EXPECT_EQ(canonical("a = 1 or b = 2 and c = 3"), "a = 1 or b = 2 and c = 3");
  EXPECT_EQ(canonical("(a = 1 or b = 2) and c = 3"), "(a = 1 or b = 2) and c = 3");
  EXPECT_EQ(canonical("not (a = 1 and b = 2)"), "not (a = 1 and b = 2)");
  EXPECT_EQ(canonical("not not a=1"), "not not a = 1");
  EXPECT_EQ(canonical("site NOT IN (plant-3,\"plant 4\")"), "site not in (plant-3, 'plant 4')");
  EXPECT_EQ(canonical("task = 'and'"), "task = 'and'");
  EXPECT_EQ(canonical(R"(x = "it's \"q\" \\ \n")"), R"(x = 'it\'s "q" \\ \n')");
  EXPECT_EQ(canonical("x = ''"), "x = ''");
  EXPECT_EQ(canonical("ingested >= 2026-01-01T10:00:00Z"), "ingested >= 2026-01-01T10:00:00Z");
  EXPECT_EQ(canonical("SNAPSHOT:train-v1 and lighting=dim"),
            "snapshot:train-v1 and lighting = dim");
  EXPECT_EQ(canonical("duration_s>=3.5 and x<=-2 and y!=z and w<1e3"),
            "duration_s >= 3.5 and x <= -2 and y != z and w < 1e3");
}

TEST(SelectorParseTest, AstRecordsStructureNamesValuesAndPositions) {
  auto ast = parse_selector("a = 1 or Task in (x, 'y z') and not snapshot:s1");
  ASSERT_TRUE(ast.ok());
  const SelectorAst& root = **ast;
  ASSERT_EQ(root.kind, SelectorAst::Kind::kOr);
  ASSERT_EQ(root.children.size(), 2U);
  const SelectorAst& cmp = *root.children[0];
  EXPECT_EQ(cmp.kind, SelectorAst::Kind::kCompare);
  EXPECT_EQ(cmp.name, "a");
  EXPECT_EQ(cmp.op, CompareOp::kEq);
  EXPECT_THAT(cmp.values, ElementsAre("1"));
  EXPECT_THAT(cmp.value_positions, ElementsAre(5U));
  const SelectorAst& conj = *root.children[1];
  ASSERT_EQ(conj.kind, SelectorAst::Kind::kAnd);
  EXPECT_EQ(conj.position, 10U);
  const SelectorAst& in = *conj.children[0];
  EXPECT_EQ(in.kind, SelectorAst::Kind::kIn);
  EXPECT_EQ(in.name, "task");  // built-in field names are canonicalised
  EXPECT_FALSE(in.negated);
  EXPECT_THAT(in.values, ElementsAre("x", "y z"));
  EXPECT_THAT(in.value_positions, ElementsAre(19U, 22U));
  const SelectorAst& negation = *conj.children[1];
  ASSERT_EQ(negation.kind, SelectorAst::Kind::kNot);
  EXPECT_EQ(negation.position, 33U);
  EXPECT_EQ(negation.children[0]->kind, SelectorAst::Kind::kSnapshot);
  EXPECT_EQ(negation.children[0]->name, "s1");
  EXPECT_THAT(referenced_snapshots(root), ElementsAre("s1"));

  auto attribute = parse_selector("Lighting = dim");
  ASSERT_TRUE(attribute.ok());
  EXPECT_EQ((*attribute)->name, "Lighting");  // attribute keys keep their case
}

TEST(SelectorParseTest, ReferencedSnapshotsAreSortedAndUnique) {
  auto ast = parse_selector("snapshot:b or (snapshot:a and not snapshot:b)");
  ASSERT_TRUE(ast.ok());
  EXPECT_THAT(referenced_snapshots(**ast), ElementsAre("a", "b"));
}

struct ErrorCase {
  std::string text;
  std::string message;  // the first line of the error, exactly
};

TEST(SelectorParseTest, ErrorsGiveTheColumnWhatWasExpectedAndWhatWasFound) {
  const std::vector<ErrorCase> cases = {
      {"domain = lab and x =", "position 21: expected a value after '=' but found end of input"},
      {"duration_s > abc",
       "position 14: field 'duration_s' is numeric: expected a number but found 'abc'"},
      {"message_count in (1, two)",
       "position 22: field 'message_count' is numeric: expected a number but found 'two'"},
      {"(domain = lab",
       "position 14: expected ')' to close the '(' at position 1 but found end of input"},
      {"domain lab",
       "position 8: expected a comparison operator (=, !=, <, <=, >, >=) or 'in' after 'domain' "
       "but found 'lab'"},
      {"domain = 'lab",
       "position 10: expected a closing ' for the string starting here but found end of input"},
      {"a = b c", "position 7: expected 'and', 'or' or end of input but found 'c'"},
      {"a = 1)", "position 6: expected 'and', 'or' or end of input but found ')'"},
      {"a = and",
       "position 5: expected a value after '=' but found keyword 'and' (quote it to use it as a "
       "value)"},
      {"site in (a b)",
       "position 12: expected ',' or ')' in the list started at position 9 but found 'b'"},
      {"site in ()", "position 10: expected a value after '(' but found ')'"},
      {"site in a", "position 9: expected '(' after 'in' but found 'a'"},
      {"site not x", "position 10: expected 'in' after 'not' but found 'x'"},
      {"a ! b", "position 3: expected '!=' but found '!' alone"},
      {"snapshot:",
       "position 10: expected a snapshot name ([A-Za-z0-9._-]) after 'snapshot:' but found "
       "nothing"},
      {"snapshot:a/b",
       "position 10: expected a snapshot name ([A-Za-z0-9._-]) after 'snapshot:' but found "
       "'a/b'"},
      {R"(x = 'a\q')", R"(position 7: expected an escape (\\, \', \", \n, \t) but found '\q')"},
      {") x",
       "position 1: expected a field or attribute name ([A-Za-z0-9_./-]), 'not', '(' or "
       "'snapshot:NAME' but found ')'"},
      {"a = 1 and",
       "position 10: expected a field or attribute name ([A-Za-z0-9_./-]), 'not', '(' or "
       "'snapshot:NAME' but found end of input"},
      {"x:y = 1",
       "position 1: expected a field or attribute name ([A-Za-z0-9_./-]), 'not', '(' or "
       "'snapshot:NAME' but found 'x:y'"},
      {"'x' = 1",
       "position 1: expected a field or attribute name ([A-Za-z0-9_./-]), 'not', '(' or "
       "'snapshot:NAME' but found string 'x'"},
      {"a = 1 and or b = 2",
       "position 11: expected a field or attribute name ([A-Za-z0-9_./-]), 'not', '(' or "
       "'snapshot:NAME' but found keyword 'or'"},
  };
  for (const ErrorCase& c : cases) {
    const auto result = parse_selector(c.text);
    ASSERT_FALSE(result.ok()) << c.text;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << c.text;
    const std::string message = result.status().message();
    EXPECT_EQ(message.substr(0, message.find('\n')), c.message) << c.text;
  }
}

TEST(SelectorParseTest, ErrorMessageShowsTheTextWithACaretUnderTheColumn) {
  const auto result = parse_selector("domain = lab and x =");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "position 21: expected a value after '=' but found end of input\n"
            "  domain = lab and x =\n"
            "                      ^");
  const auto tabs = parse_selector("a\t=\n");
  ASSERT_FALSE(tabs.ok());
  EXPECT_EQ(tabs.status().message(),
            "position 5: expected a value after '=' but found end of input\n"
            "  a = \n"
            "      ^");
}

TEST(SelectorParseTest, DeepNestingIsRefusedNotOverflowed) {
  const std::string deep = std::string(10000, '(') + "a = 1" + std::string(10000, ')');
  const auto result = parse_selector(deep);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(),
              StartsWith("position 64: expression nested deeper than 64 levels"));
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  const auto negations = parse_selector(nots + "a = 1");
  ASSERT_FALSE(negations.ok());
  EXPECT_THAT(negations.status().message(), HasSubstr("nested deeper than 64 levels"));
  const std::string ok = std::string(63, '(') + "a = 1" + std::string(63, ')');
  EXPECT_TRUE(parse_selector(ok).ok());
}

TEST(SelectorParseTest, ArbitraryBytesParseOrFailCleanlyAndCanonicalFormIsStable) {
  std::mt19937 rng(12345);
  const std::string alphabet = "ab1.-_/ ()=!<>,'\"\\\tnotandorinNOTx:snapshot:\x80\xff";
  const std::vector<std::string> words = {
      "a",  "b", "and", "or",    "not", "in",  "(",          ")",          "=",   "!=", "<",
      ">=", ",", "'q'", "\"q\"", "1",   "2.5", "snapshot:s", "duration_s", "x y", " "};
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int length = static_cast<int>(rng() % 12);
    for (int j = 0; j < length; ++j) {
      if (i % 2 == 0) {
        text += alphabet[rng() % alphabet.size()];
      } else {
        text += words[rng() % words.size()];
        text += ' ';
      }
    }
    const auto ast = parse_selector(text);
    if (!ast.ok()) {
      ASSERT_EQ(ast.status().code(), StatusCode::kInvalidArgument) << text;
      ASSERT_THAT(ast.status().message(), StartsWith("position ")) << text;
      continue;
    }
    ++parsed;
    const std::string once = describe(**ast);
    const auto again = parse_selector(once);
    ASSERT_TRUE(again.ok()) << text << " -> " << once << ": " << again.status().to_string();
    ASSERT_EQ(describe(**again), once) << text;
    ASSERT_TRUE(compile_selector(**ast).ok()) << text;
  }
  EXPECT_GT(parsed, 1000);
}

TEST(SelectorCompileTest, ProducesParameterisedSqlWithoutUserText) {
  auto numeric = parse_selector("duration_s > 30");
  ASSERT_TRUE(numeric.ok());
  auto compiled = compile_selector(**numeric);
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ(compiled->sql, "COALESCE(e.duration_s > ?, 0)");
  ASSERT_EQ(compiled->params.size(), 1U);
  EXPECT_EQ(std::get<std::int64_t>(compiled->params[0]), 30);

  auto text = parse_selector("lighting = \"x'; DROP TABLE episodes; --\"");
  ASSERT_TRUE(text.ok());
  compiled = compile_selector(**text);
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ(compiled->sql,
            "EXISTS (SELECT 1 FROM episode_attributes a WHERE a.episode_id = e.id AND a.key = ? "
            "AND a.text_value = ?)");
  ASSERT_EQ(compiled->params.size(), 2U);
  EXPECT_EQ(std::get<std::string>(compiled->params[0]), "lighting");
  EXPECT_EQ(std::get<std::string>(compiled->params[1]), "x'; DROP TABLE episodes; --");

  auto number_attr = parse_selector("lux not in (2.5, dim)");
  ASSERT_TRUE(number_attr.ok());
  compiled = compile_selector(**number_attr);
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ(compiled->sql,
            "EXISTS (SELECT 1 FROM episode_attributes a WHERE a.episode_id = e.id AND a.key = ? "
            "AND NOT ((CASE WHEN a.type = 'number' THEN a.num_value = ? ELSE a.text_value = ? "
            "END) OR a.text_value = ?))");
  ASSERT_EQ(compiled->params.size(), 4U);
  EXPECT_EQ(std::get<double>(compiled->params[1]), 2.5);
  EXPECT_EQ(std::get<std::string>(compiled->params[2]), "2.5");

  SelectorAst bad;  // not producible by the parser: a numeric field with a text value
  bad.kind = SelectorAst::Kind::kCompare;
  bad.name = "duration_s";
  bad.values = {"long"};
  bad.value_positions = {14};
  const auto refused = compile_selector(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(),
            "position 14: field 'duration_s' is numeric: expected a number but found 'long'");
}

// Five episodes in three sources, ingested at three times, with string, number and bool
// attributes, inherited and overridden, plus one snapshot.
class SelectorCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Catalog::open(dir_ / "catalog.db", options_with(clock_));
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    catalog_ = std::move(opened).value();

    clock_->now = utc(2025, 12, 15, 10);
    auto s1 = make_source(hex_id("51"), "/data/lab/a.mcap", "lab");
    s1.kind = "teleop";
    s1.attributes = {attr("site", std::string("lab-1")), attr("lighting", std::string("bright"))};
    auto e1a = make_episode(id("1a"), s1.id, 0, 10.0);
    e1a.attributes = {attr("ambient_lux", 250.0)};
    e1a.embodiment = "ur5";
    auto e1b = make_episode(id("1b"), s1.id, 1, 40.0);
    e1b.message_count = 400;
    e1b.outcome = "failure";
    e1b.attributes = {attr("lighting", std::string("dim")), attr("ambient_lux", 3.0)};
    store(s1, {e1a, e1b});

    clock_->now = utc(2026, 1, 10);
    auto s2 = make_source(hex_id("52"), "/data/sim/b.mcap", "sim");
    s2.format = "rosbag2-mcap";
    s2.kind = "simulation";
    auto e2a = make_episode(id("2a"), s2.id, 0, 31.0);
    e2a.task = "place";
    e2a.message_count = 10;
    e2a.attributes = {attr("clutter", std::string("high")), attr("run", std::string("3")),
                      attr("ok", true)};
    auto e2b = make_episode(id("2b"), s2.id, 1, 5.0);
    e2b.task = "place item";
    e2b.message_count = 0;
    e2b.outcome = "unknown";
    store(s2, {e2a, e2b});

    clock_->now = utc(2026, 2, 1);
    auto s3 = make_source(hex_id("53"), "/data/field/c.db3", "field");
    s3.format = "rosbag2-db3";
    s3.kind = "deployment";
    s3.attributes = {attr("site", std::string("plant-3"))};
    auto e3a = make_episode(id("3a"), s3.id, 0, 60.0);
    e3a.task = "drive";
    e3a.message_count = 1000;
    e3a.outcome = "partial";
    e3a.attributes = {attr("lighting", std::string("dark")), attr("ambient_lux", 0.5),
                      attr("cam/front.exposure", 12.0)};
    store(s3, {e3a});

    const auto snapshot = catalog_->create_snapshot("labset", "domain = lab", "the lab episodes");
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().to_string();
  }

  static std::string id(const std::string& name) { return hex_id(name); }

  void store(const SourceRecord& source, const std::vector<EpisodeRecord>& episodes) {
    const auto outcome = catalog_->store_source(source, episodes, 0);
    ASSERT_TRUE(outcome.ok()) << outcome.status().to_string();
  }

  // Names ("1a", "2b", ...) of the episodes `where` selects, sorted.
  std::vector<std::string> select(const std::string& where) {
    EpisodeFilter filter;
    filter.where = where;
    const auto listed = catalog_->list_episodes(filter);
    EXPECT_TRUE(listed.ok()) << where << ": " << listed.status().to_string();
    std::vector<std::string> names;
    if (!listed.ok()) return {"<error>"};
    for (const auto& e : *listed) names.push_back(e.id.substr(0, 2));
    std::sort(names.begin(), names.end());
    return names;
  }

  testing::TempDir dir_;
  std::shared_ptr<TestClock> clock_ = std::make_shared<TestClock>();
  std::unique_ptr<Catalog> catalog_;
};

struct SelectCase {
  std::string where;
  std::vector<std::string> expected;
};

TEST_F(SelectorCatalogTest, ExpressionsSelectExactlyTheExpectedEpisodes) {
  const std::vector<std::string> all = {"1a", "1b", "2a", "2b", "3a"};
  const std::vector<SelectCase> cases = {
      {"", all},
      {"domain = lab", {"1a", "1b"}},
      {"DOMAIN = lab", {"1a", "1b"}},  // built-in field names are case-insensitive
      {"domain = Lab", {}},            // values are case-sensitive
      {"domain = lab OR Domain = sim", {"1a", "1b", "2a", "2b"}},
      // Inherited and overridden attributes.
      {"lighting = dim", {"1b"}},
      {"lighting = bright", {"1a"}},
      {"site = lab-1 and lighting = bright", {"1a"}},
      {"site = plant-3", {"3a"}},
      // Absent attributes: every comparison is false, `not` negates the result.
      {"lighting != dim", {"1a", "3a"}},
      {"not lighting = dim", {"1a", "2a", "2b", "3a"}},
      {"NOT (lighting = dim)", {"1a", "2a", "2b", "3a"}},
      {"lighting in (dim, dark)", {"1b", "3a"}},
      {"lighting not in (dim, dark)", {"1a"}},
      {"not lighting in (dim, dark)", {"1a", "2a", "2b"}},
      {"not (lighting = dim or lighting != dim)", {"2a", "2b"}},  // exactly the unlit ones
      {"clutter = high or nothing_here = 1", {"2a"}},
      // Numeric vs text.
      {"duration_s > 30", {"1b", "2a", "3a"}},
      {"duration_s > 3e1", {"1b", "2a", "3a"}},
      {"duration_s >= 31 and duration_s < 60", {"1b", "2a"}},
      {"duration_s > '30'", {"1b", "2a", "3a"}},  // quoted numbers are still numbers
      {"ambient_lux > 100", {"1a"}},              // as text, "3" > "100" would match 1b
      {"ambient_lux < 10", {"1b", "3a"}},
      {"ambient_lux = 3.0", {"1b"}},
      {"ambient_lux in (250, 0.5)", {"1a", "3a"}},
      {"run = 3", {"2a"}},    // a string attribute compares as text
      {"run = 3.0", {}},      // ... so "3" != "3.0"
      {"ok = true", {"2a"}},  // booleans compare as the text true/false
      {"cam/front.exposure >= 12", {"3a"}},
      {"message_count = 0", {"2b"}},
      {"message_count >= 400", {"1b", "3a"}},
      {"index = 1", {"1b", "2b"}},
      {"id < '2'", {"1a", "1b"}},  // text comparison of ids
      {"id in (" + id("1a") + ", '" + id("3a") + "')", {"1a", "3a"}},
      // Quoted values and the remaining fields.
      {"task = 'place item'", {"2b"}},
      {"task = \"place item\"", {"2b"}},
      {"task = place", {"2a"}},
      {"task != pick", {"2a", "2b", "3a"}},
      {"embodiment = ur5", {"1a"}},
      {"embodiment = ''", {"1b", "2a", "2b", "3a"}},  // fields are never absent
      {"source = /data/sim/b.mcap", {"2a", "2b"}},
      {"source_id = " + hex_id("53"), {"3a"}},
      {"format = rosbag2-db3", {"3a"}},
      {"kind in (teleop, deployment)", {"1a", "1b", "3a"}},
      {"outcome != success", {"1b", "2b", "3a"}},
      {"outcome not in (success, failure)", {"2b", "3a"}},
      {"ingested > 2026-01-01", {"2a", "2b", "3a"}},
      {"ingested < 2026-01-10T00:00:01Z and ingested >= 2026-01-10", {"2a", "2b"}},
      {"not (domain = lab or clutter = high) and duration_s < 100", {"2b", "3a"}},
      // Snapshots.
      {"snapshot:labset", {"1a", "1b"}},
      {"snapshot:labset and lighting = dim", {"1b"}},
      {"not snapshot:labset", {"2a", "2b", "3a"}},
      {"snapshot:labset or domain = field", {"1a", "1b", "3a"}},
  };
  for (const SelectCase& c : cases) {
    EXPECT_EQ(select(c.where), c.expected) << "where: " << c.where;
    // The canonical form selects the same episodes.
    const auto ast = parse_selector(c.where);
    ASSERT_TRUE(ast.ok()) << c.where;
    EXPECT_EQ(select(describe(**ast)), c.expected) << "canonical of: " << c.where;
  }
}

TEST_F(SelectorCatalogTest, SqlInjectionAttemptsAreInertValues) {
  RawDb raw(dir_ / "catalog.db");
  const auto before = raw.dump();
  for (const std::string where : {
           R"(domain = "x'; DROP TABLE episodes; --")",
           R"(lighting = "dim' OR '1'='1")",
           R"(task in ("a') OR 1=1 --", "x"))",
           R"(id = "1a%")",
           R"(source = '%' or source = "*")",
       }) {
    EXPECT_THAT(select(where), ::testing::IsEmpty()) << where;
  }
  // Names cannot carry SQL either: they are restricted to [A-Za-z0-9_./-].
  const auto bad_name = parse_selector("x';DROP = 1");
  ASSERT_FALSE(bad_name.ok());
  EXPECT_EQ(bad_name.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(raw.dump(), before);
  EXPECT_EQ(select("").size(), 5U);
}

TEST_F(SelectorCatalogTest, ListingReportsSelectorErrorsAndUnknownSnapshots) {
  EpisodeFilter filter;
  filter.where = "duration_s >";
  const auto bad = catalog_->list_episodes(filter);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(),
              StartsWith("position 13: expected a value after '>' but found end of input"));

  filter.where = "snapshot:nope or domain = lab";
  const auto unknown = catalog_->list_episodes(filter);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("the selector names snapshot 'nope', which does not exist"));
}

}  // namespace
}  // namespace parity
