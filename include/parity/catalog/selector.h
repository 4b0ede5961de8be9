// Selectors: the `--where` expressions that pick episodes from the catalog.
//
//   domain = field and (lighting in (dim, dark) or duration_s > 30)
//   snapshot:train-v1 and not site = plant-3
//
// Grammar (keywords `and`, `or`, `not`, `in` are case-insensitive), lowest precedence first:
//
//   selector   = [ or_expr ] ;                      (empty text selects every episode)
//   or_expr    = and_expr { "or" and_expr } ;
//   and_expr   = unary { "and" unary } ;
//   unary      = "not" unary | primary ;
//   primary    = "(" or_expr ")" | "snapshot:" NAME | comparison ;
//   comparison = name op value | name [ "not" ] "in" "(" value { "," value } ")" ;
//   op         = "=" | "!=" | "<" | "<=" | ">" | ">=" ;
//   name       = letters, digits, "_", ".", "/", "-" ;
//   value      = bare word | '...' | "..."          (backslash escapes \\ \' \" \n \t)
//
// A name is a built-in episode field (case-insensitive) or else an attribute key
// (case-sensitive):
//   text:    id, source (source path), source_id, domain, kind, format, task, embodiment,
//            outcome, ingested (ingested_at, ISO-8601 UTC text: `ingested > 2026-01-01`)
//   numeric: duration_s, message_count, index, start_ns, end_ns
//
// Semantics (docs/catalog.md has the full write-up):
// - A value is numeric when its text (quoted or not) parses completely as a finite decimal
//   number. Numeric fields require numeric values (else a parse error). Text fields always
//   compare as text (byte-wise, case-sensitive). An attribute compares numerically when it is
//   a number attribute and the value is numeric, else its text form is compared as text
//   (booleans are the text `true` / `false`).
// - Built-in fields are always present (an unset domain is the empty string: `domain = ''`).
// - A comparison (including `!=` and `not in`) on an attribute the episode lacks is false;
//   `not` negates the boolean result, so `not lighting = dim` selects episodes without a
//   lighting attribute while `lighting != dim` does not. No SQL NULL logic leaks through.
// - `snapshot:NAME` is true for the episodes frozen in that snapshot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "parity/core/status.h"

namespace parity {

enum class CompareOp : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// "=", "!=", "<", "<=", ">", ">=".
std::string_view compare_op_text(CompareOp op);

// The parsed form of a selector. Built by parse_selector(); plain data, freely inspectable.
struct SelectorAst {
  enum class Kind : std::uint8_t {
    kAll,       // empty selector: every episode
    kOr,        // children.size() >= 2
    kAnd,       // children.size() >= 2
    kNot,       // children.size() == 1
    kCompare,   // name op values[0]
    kIn,        // name [not] in (values...)
    kSnapshot,  // snapshot:name
  };

  Kind kind = Kind::kAll;
  std::size_t position = 1;  // 1-based column of the node's first character in the text
  std::vector<std::unique_ptr<SelectorAst>> children;
  // kCompare/kIn: the field (canonical lower case) or attribute key; kSnapshot: snapshot name.
  std::string name;
  CompareOp op = CompareOp::kEq;             // kCompare
  bool negated = false;                      // kIn: `not in`
  std::vector<std::string> values;           // unquoted, unescaped
  std::vector<std::size_t> value_positions;  // 1-based column of each value
};

// Parses selector text. Blank text gives a kAll node. Errors: kInvalidArgument with a
// message "position N: expected ... but found ...", followed by the text and a caret line
// pointing at column N (1-based, in bytes). Also rejects a non-numeric value compared with
// a numeric field and nesting deeper than 64 levels.
Result<std::unique_ptr<SelectorAst>> parse_selector(std::string_view text);

// A SQL boolean expression over the episodes table aliased `e` (it reads other tables only
// through correlated subqueries) plus its positional parameters (`?`), in order. No user
// text is ever part of `sql`. The expression never evaluates to NULL.
struct CompiledSelector {
  std::string sql;
  std::vector<std::variant<std::string, double, std::int64_t>> params;
};

// Errors: kInvalidArgument for an AST parse_selector() would not produce (e.g. a numeric
// field compared with a non-numeric value, an empty `in` list).
Result<CompiledSelector> compile_selector(const SelectorAst& ast);

// Canonical text form: lower-case keywords and field names, single spaces, values quoted
// with '...' only when needed, parentheses only where precedence requires them.
// parse_selector(describe(ast)) yields an equivalent AST. kAll describes as "".
std::string describe(const SelectorAst& ast);

// Names of the snapshots the selector refers to (`snapshot:NAME`), sorted, without
// duplicates.
std::vector<std::string> referenced_snapshots(const SelectorAst& ast);

}  // namespace parity
