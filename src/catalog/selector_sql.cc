// SelectorAst -> parameterised SQL over the episodes table `e` (semantics in selector.h).
// Only fixed SQL text from this file and the field table is emitted; every name and value
// from the selector is a bound parameter.
#include <fmt/format.h>

#include <string>

#include "catalog/selector_fields.h"
#include "parity/catalog/selector.h"

namespace parity {
namespace {

using catalog_detail::parse_selector_number;
using catalog_detail::SelectorField;

// SQLite 3.32+ allows 32766 host parameters per statement; the listing query adds a few.
constexpr std::size_t kMaxParams = 30000;

class Compiler {
 public:
  Status compile(const SelectorAst& ast) {
    using Kind = SelectorAst::Kind;
    switch (ast.kind) {
      case Kind::kAll: out_.sql += "1"; return {};
      case Kind::kOr:
      case Kind::kAnd: {
        if (ast.children.size() < 2) return malformed(ast, "an and/or node needs two operands");
        out_.sql += '(';
        for (std::size_t i = 0; i < ast.children.size(); ++i) {
          if (i > 0) out_.sql += ast.kind == Kind::kAnd ? " AND " : " OR ";
          PARITY_RETURN_IF_ERROR(compile(*ast.children[i]));
        }
        out_.sql += ')';
        return {};
      }
      case Kind::kNot:
        if (ast.children.size() != 1) return malformed(ast, "a not node needs one operand");
        out_.sql += "(NOT ";
        PARITY_RETURN_IF_ERROR(compile(*ast.children.front()));
        out_.sql += ')';
        return {};
      case Kind::kSnapshot:
        out_.sql +=
            "(e.id IN (SELECT se.episode_id FROM snapshot_episodes se WHERE se.snapshot = ?))";
        out_.params.emplace_back(ast.name);
        return check_size();
      case Kind::kCompare:
        if (ast.values.size() != 1) return malformed(ast, "a comparison needs one value");
        [[fallthrough]];
      case Kind::kIn: {
        if (ast.values.empty()) return malformed(ast, "an 'in' list needs a value");
        if (const SelectorField* field = catalog_detail::find_selector_field(ast.name)) {
          PARITY_RETURN_IF_ERROR(compile_field(ast, *field));
        } else {
          compile_attribute(ast);
        }
        return check_size();
      }
    }
    return malformed(ast, "unknown node kind");
  }

  CompiledSelector take() { return std::move(out_); }

 private:
  static Status malformed(const SelectorAst& ast, std::string_view what) {
    return invalid_argument(fmt::format("position {}: malformed selector: {}", ast.position, what));
  }

  Status check_size() const {
    if (out_.params.size() > kMaxParams) {
      return invalid_argument(
          fmt::format("selector too large: more than {} names and values", kMaxParams));
    }
    return {};
  }

  static std::string_view op_sql(CompareOp op) {
    switch (op) {
      case CompareOp::kEq: return " = ";
      case CompareOp::kNe: return " != ";
      case CompareOp::kLt: return " < ";
      case CompareOp::kLe: return " <= ";
      case CompareOp::kGt: return " > ";
      case CompareOp::kGe: return " >= ";
    }
    return " = ";
  }

  void bind_number(const std::variant<std::int64_t, double>& number) {
    if (const auto* integer = std::get_if<std::int64_t>(&number)) {
      out_.params.emplace_back(*integer);
    } else {
      out_.params.emplace_back(std::get<double>(number));
    }
  }

  // COALESCE(<field> <op> ?, 0) / COALESCE(<field> [NOT] IN (?, ...), 0).
  Status compile_field(const SelectorAst& ast, const SelectorField& field) {
    for (std::size_t i = 0; i < ast.values.size(); ++i) {
      if (field.numeric && !parse_selector_number(ast.values[i])) {
        const std::size_t position =
            i < ast.value_positions.size() ? ast.value_positions[i] : ast.position;
        return invalid_argument(
            fmt::format("position {}: field '{}' is numeric: expected a number but found '{}'",
                        position, field.name, ast.values[i]));
      }
    }
    out_.sql += "COALESCE(";
    out_.sql += field.sql;
    if (ast.kind == SelectorAst::Kind::kCompare) {
      out_.sql += op_sql(ast.op);
      out_.sql += '?';
    } else {
      out_.sql += ast.negated ? " NOT IN (" : " IN (";
      for (std::size_t i = 0; i < ast.values.size(); ++i) out_.sql += i > 0 ? ", ?" : "?";
      out_.sql += ')';
    }
    out_.sql += ", 0)";
    for (const std::string& value : ast.values) {
      if (field.numeric) {
        bind_number(*parse_selector_number(value));
      } else {
        out_.params.emplace_back(value);
      }
    }
    return {};
  }

  // One value test against the attribute row `a`: numeric for number attributes when the
  // value is a number, text otherwise.
  void attribute_test(CompareOp op, const std::string& value) {
    if (const auto number = parse_selector_number(value)) {
      out_.sql += "(CASE WHEN a.type = 'number' THEN a.num_value";
      out_.sql += op_sql(op);
      out_.sql += "? ELSE a.text_value";
      out_.sql += op_sql(op);
      out_.sql += "? END)";
      bind_number(*number);
      out_.params.emplace_back(value);
    } else {
      out_.sql += "a.text_value";
      out_.sql += op_sql(op);
      out_.sql += '?';
      out_.params.emplace_back(value);
    }
  }

  // EXISTS(an attribute row with this key that passes the test): false when absent.
  void compile_attribute(const SelectorAst& ast) {
    out_.sql +=
        "EXISTS (SELECT 1 FROM episode_attributes a WHERE a.episode_id = e.id AND a.key = ? AND ";
    out_.params.emplace_back(ast.name);
    if (ast.kind == SelectorAst::Kind::kCompare) {
      attribute_test(ast.op, ast.values.front());
    } else {
      out_.sql += ast.negated ? "NOT (" : "(";
      for (std::size_t i = 0; i < ast.values.size(); ++i) {
        if (i > 0) out_.sql += " OR ";
        attribute_test(CompareOp::kEq, ast.values[i]);
      }
      out_.sql += ')';
    }
    out_.sql += ')';
  }

  CompiledSelector out_;
};

}  // namespace

Result<CompiledSelector> compile_selector(const SelectorAst& ast) {
  Compiler compiler;
  PARITY_RETURN_IF_ERROR(compiler.compile(ast));
  return compiler.take();
}

}  // namespace parity
