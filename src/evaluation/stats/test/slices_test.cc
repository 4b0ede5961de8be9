// Per-group rates, failure slices and deployment-weighted success on hand-built data whose
// answers are worked out in the comments.
#include "parity/evaluation/slices.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "evaluation/stats/special.h"

namespace parity::eval {
namespace {

std::vector<EvalRow> rows_of(const std::map<std::string, std::string>& attributes, int successes,
                             int failures) {
  std::vector<EvalRow> rows;
  for (int i = 0; i < successes; ++i) rows.push_back({attributes, true});
  for (int i = 0; i < failures; ++i) rows.push_back({attributes, false});
  return rows;
}

void append(std::vector<EvalRow>* to, const std::vector<EvalRow>& rows) {
  to->insert(to->end(), rows.begin(), rows.end());
}

TEST(SuccessBy, RatesWithIntervalsPerGroup) {
  std::vector<EvalRow> rows;
  append(&rows, rows_of({{"domain", "sim"}, {"task", "pick"}}, 15, 3));
  append(&rows, rows_of({{"domain", "real"}, {"task", "pick"}}, 11, 6));
  append(&rows, rows_of({{"task", "pick"}}, 2, 0));  // no domain: skipped
  const std::vector<std::string> by = {"domain"};
  const Result<GroupedRates> grouped = success_by(rows, by);
  ASSERT_TRUE(grouped.ok());
  EXPECT_EQ(grouped->rows_skipped, 2);
  ASSERT_EQ(grouped->groups.size(), 2u);
  EXPECT_EQ(slice_key_text(grouped->groups[0].key), "domain=real");
  EXPECT_EQ(grouped->groups[0].proportion.k, 11);
  EXPECT_EQ(grouped->groups[0].proportion.n, 17);
  // Wilson 95% for 11/17 and 15/18 (stats_reference.csv row kg_ex6: 0.4130-0.8269, 0.6078-0.9416).
  EXPECT_NEAR(grouped->groups[0].proportion.interval.low, 0.4130, 5e-5);
  EXPECT_NEAR(grouped->groups[0].proportion.interval.high, 0.8269, 5e-5);
  EXPECT_NEAR(grouped->groups[1].proportion.interval.low, 0.6078, 5e-5);
  EXPECT_NEAR(grouped->groups[1].proportion.interval.high, 0.9416, 5e-5);
  const Result<GroupedRates> all = success_by(rows, {});
  ASSERT_EQ(all->groups.size(), 1u);
  EXPECT_EQ(slice_key_text(all->groups[0].key), "all");
  EXPECT_EQ(all->groups[0].proportion.n, 37);
  const std::vector<std::string> twice = {"task", "task"};
  EXPECT_NE(success_by(rows, twice).status().message().find("attribute 'task' is listed twice"),
            std::string::npos);
}

// 2 lightings x 2 tables x 3 objects, 30 rollouts each (360). Dim light on glass fails 24 of
// 30 in every object cell, every other cell 3 of 30: 99 failures, e = 0.275.
std::vector<EvalRow> glare_data() {
  std::vector<EvalRow> rows;
  for (const char* lighting : {"bright", "dim"}) {
    for (const char* table : {"glass", "wood"}) {
      for (const char* object : {"box", "can", "cup"}) {
        const bool glare = std::string(lighting) == "dim" && std::string(table) == "glass";
        append(&rows, rows_of({{"lighting", lighting}, {"table", table}, {"object", object}},
                              glare ? 6 : 27, glare ? 24 : 3));
      }
    }
  }
  return rows;
}

TEST(FailureSlices, FindsTheFailingConjunctionFirst) {
  const std::vector<EvalRow> rows = glare_data();
  const Result<SliceReport> report = find_failure_slices(rows);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_EQ(report->n, 360);
  EXPECT_EQ(report->failures, 99);
  EXPECT_DOUBLE_EQ(report->failure_rate, 0.275);
  // 7 single predicates + lighting x object 6 + lighting x table 4 + object x table 6.
  EXPECT_EQ(report->slices_tested, 23);
  ASSERT_FALSE(report->slices.empty());
  const Slice& top = report->slices[0];
  EXPECT_EQ(slice_key_text(top.key), "lighting=dim, table=glass");
  EXPECT_EQ(top.n, 90);
  EXPECT_EQ(top.failures, 72);
  EXPECT_DOUBLE_EQ(top.failure_rate, 0.8);
  EXPECT_NEAR(top.effect, 0.525, 1e-15);
  // SliceLine score: 0.95 (0.8 / 0.275 - 1) - 0.05 (360 / 90 - 1).
  EXPECT_NEAR(top.score, 0.95 * (0.8 / 0.275 - 1.0) - 0.05 * 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(top.p_value, special::binomial_upper_tail(72, 90, 0.275));
  EXPECT_LT(top.adjusted_p_value, 1e-20);
  // Next: the single predicates that contain the conjunction (0.45 failure rate, effect
  // 0.175), before the 2-way slices with one object (0.45, but a third of the size).
  ASSERT_GE(report->slices.size(), 3u);
  EXPECT_EQ(slice_key_text(report->slices[1].key), "lighting=dim");
  EXPECT_EQ(slice_key_text(report->slices[2].key), "table=glass");
  for (const Slice& s : report->slices) {
    EXPECT_GE(s.effect, 0.1) << slice_key_text(s.key);
    EXPECT_LE(s.adjusted_p_value, 0.05) << slice_key_text(s.key);
    EXPECT_EQ(s.key.size() <= 2, true);
    for (const auto& [attribute, value] : s.key) {
      EXPECT_TRUE(value == "dim" || value == "glass" || attribute == "object")
          << slice_key_text(s.key);
    }
  }
  // Every reported slice: dim, glass, dim+glass and the 6 {dim or glass} x object slices.
  EXPECT_EQ(report->slices.size(), 9u);
}

TEST(FailureSlices, ThresholdsAndOrders) {
  const std::vector<EvalRow> rows = glare_data();
  SliceOptions options;
  options.max_order = 3;
  const Result<SliceReport> three = find_failure_slices(rows, options);
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(three->slices_tested, 23 + 12);  // + lighting x object x table
  // dim + glass + one object: 24 / 30 failing; score 0.95 (0.8 / 0.275 - 1) - 0.05 (12 - 1).
  EXPECT_EQ(three->slices.size(), 12u);
  options.min_support = 100;  // only the single predicates (180 and 120 rows) remain
  const Result<SliceReport> big = find_failure_slices(rows, options);
  EXPECT_EQ(big->slices_tested, 7);
  EXPECT_EQ(big->slices.size(), 2u);
  options = {};
  options.min_effect = 0.6;  // nothing fails 87.5% of the time
  EXPECT_TRUE(find_failure_slices(rows, options)->slices.empty());
  // No failures: nothing to find.
  const std::vector<EvalRow> perfect = rows_of({{"a", "x"}}, 20, 0);
  const Result<SliceReport> none = find_failure_slices(perfect);
  EXPECT_TRUE(none->slices.empty());
  EXPECT_EQ(none->slices_tested, 1);
}

TEST(FailureSlices, Errors) {
  const std::vector<EvalRow> rows = glare_data();
  SliceOptions options;
  options.max_order = 4;
  EXPECT_NE(find_failure_slices(rows, options)
                .status()
                .message()
                .find("max_order must lie in "
                      "1..3, got 4"),
            std::string::npos);
  options = {};
  options.min_support = 0;
  EXPECT_EQ(find_failure_slices(rows, options).status().code(), StatusCode::kInvalidArgument);
  options = {};
  options.alpha = 0.0;
  EXPECT_EQ(find_failure_slices(rows, options).status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(find_failure_slices({}).status().message().find("no rows"), std::string::npos);
}

TEST(DeploymentWeighted, BoundsCarryTheUncoveredFieldMass) {
  std::vector<EvalRow> eval;
  append(&eval, rows_of({{"lighting", "bright"}, {"robot", "r1"}}, 8, 2));
  append(&eval, rows_of({{"lighting", "dim"}, {"robot", "r1"}}, 3, 7));
  append(&eval, rows_of({{"lighting", "fog"}}, 1, 0));
  const std::vector<FieldCell> field = {{{{"lighting", "bright"}}, 40.0},
                                        {{{"lighting", "dim"}}, 30.0},
                                        {{{"lighting", "night"}}, 10.0},
                                        {{{"lighting", "bright"}}, 20.0}};
  const std::vector<std::string> by = {"lighting"};
  const Result<DeploymentEstimate> e = deployment_weighted_success(eval, field, by);
  ASSERT_TRUE(e.ok()) << e.status().to_string();
  // Shares 0.6 / 0.3 / 0.1; rates 0.8 and 0.3; night uncovered.
  EXPECT_NEAR(e->covered_share, 0.9, 1e-15);
  EXPECT_NEAR(e->uncovered_share, 0.1, 1e-15);
  EXPECT_NEAR(e->low, 0.6 * 0.8 + 0.3 * 0.3, 1e-15);
  EXPECT_NEAR(e->high, 0.57 + 0.1, 1e-15);
  EXPECT_NEAR(e->covered_only, 0.57 / 0.9, 1e-15);
  EXPECT_NEAR(e->standard_error, std::sqrt(0.36 * 0.16 / 10 + 0.09 * 0.21 / 10), 1e-15);
  ASSERT_EQ(e->strata.size(), 3u);
  EXPECT_EQ(slice_key_text(e->strata[0].stratum), "lighting=bright");
  EXPECT_EQ(e->strata[0].k, 8);
  EXPECT_EQ(slice_key_text(e->strata[2].stratum), "lighting=night");
  EXPECT_EQ(e->strata[2].n, 0);
  EXPECT_TRUE(std::isnan(e->strata[2].rate));
  ASSERT_EQ(e->evaluated_not_in_field.size(), 1u);
  EXPECT_EQ(slice_key_text(e->evaluated_not_in_field[0]), "lighting=fog");
}

TEST(DeploymentWeighted, Errors) {
  const std::vector<EvalRow> eval = rows_of({{"lighting", "dim"}}, 1, 1);
  const std::vector<std::string> by = {"lighting"};
  const std::vector<std::string> by_robot = {"lighting", "robot"};
  const std::vector<FieldCell> field = {{{{"lighting", "dim"}}, 1.0}};
  EXPECT_NE(deployment_weighted_success(eval, field, by_robot)
                .status()
                .message()
                .find("evaluation row 0 has no attribute 'robot'"),
            std::string::npos);
  const std::vector<FieldCell> negative = {{{{"lighting", "dim"}}, -1.0}};
  EXPECT_NE(deployment_weighted_success(eval, negative, by)
                .status()
                .message()
                .find("field cell 0: mass must be finite and >= 0, got -1"),
            std::string::npos);
  const std::vector<FieldCell> empty_mass = {{{{"lighting", "dim"}}, 0.0}};
  EXPECT_NE(
      deployment_weighted_success(eval, empty_mass, by).status().message().find("total mass is 0"),
      std::string::npos);
  const std::vector<FieldCell> unlabelled = {{{{"robot", "r1"}}, 1.0}};
  EXPECT_NE(deployment_weighted_success(eval, unlabelled, by)
                .status()
                .message()
                .find("field cell 0 has no attribute 'lighting'"),
            std::string::npos);
  EXPECT_EQ(deployment_weighted_success({}, field, by).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(deployment_weighted_success(eval, field, {}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace parity::eval
