// Selector text -> SelectorAst (grammar in parity/catalog/selector.h), and the canonical
// text form back.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "catalog/selector_fields.h"
#include "parity/catalog/selector.h"

namespace parity {
namespace {

using catalog_detail::find_selector_field;
using catalog_detail::parse_selector_number;

constexpr int kMaxDepth = 64;
constexpr std::string_view kSnapshotPrefix = "snapshot:";

enum class TokenKind : std::uint8_t { kWord, kString, kLParen, kRParen, kComma, kOp, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;      // kWord: as written; kString: unescaped contents
  std::string_view raw;  // the token's source text
  CompareOp op = CompareOp::kEq;
  std::size_t position = 1;  // 1-based column
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Bytes that end a bare word: whitespace and the punctuation of the grammar.
bool ends_word(char c) {
  return is_space(c) || c == '(' || c == ')' || c == '=' || c == '!' || c == '<' || c == '>' ||
         c == ',' || c == '\'' || c == '"';
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '/' || c == '-';
}

bool is_valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_name_char);
}

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

bool is_keyword(std::string_view word) {
  const std::string w = lower(word);
  return w == "and" || w == "or" || w == "not" || w == "in";
}

bool has_snapshot_prefix(std::string_view word) {
  return word.size() >= kSnapshotPrefix.size() &&
         lower(word.substr(0, kSnapshotPrefix.size())) == kSnapshotPrefix;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<std::unique_ptr<SelectorAst>> run() {
    PARITY_RETURN_IF_ERROR(lex());
    if (tokens_.front().kind == TokenKind::kEnd) return std::make_unique<SelectorAst>();
    PARITY_ASSIGN_OR_RETURN(auto root, parse_or(0));
    if (peek().kind != TokenKind::kEnd) {
      return error_at(
          peek().position,
          fmt::format("expected 'and', 'or' or end of input but found {}", found(peek())));
    }
    return root;
  }

 private:
  // ---- lexer ----------------------------------------------------------------------------

  Status lex() {
    std::size_t i = 0;
    while (true) {
      while (i < text_.size() && is_space(text_[i])) ++i;
      Token token;
      token.position = i + 1;
      if (i == text_.size()) {
        tokens_.push_back(std::move(token));
        return {};
      }
      const std::size_t start = i;
      const char c = text_[i];
      if (c == '(' || c == ')' || c == ',') {
        token.kind = c == '('   ? TokenKind::kLParen
                     : c == ')' ? TokenKind::kRParen
                                : TokenKind::kComma;
        ++i;
      } else if (c == '=' || c == '<' || c == '>' || c == '!') {
        const bool eq_next = i + 1 < text_.size() && text_[i + 1] == '=';
        token.kind = TokenKind::kOp;
        if (c == '=') {
          token.op = CompareOp::kEq;
        } else if (c == '<') {
          token.op = eq_next ? CompareOp::kLe : CompareOp::kLt;
        } else if (c == '>') {
          token.op = eq_next ? CompareOp::kGe : CompareOp::kGt;
        } else if (eq_next) {
          token.op = CompareOp::kNe;
        } else {
          return error_at(i + 1, "expected '!=' but found '!' alone");
        }
        i += (c != '=' && eq_next) ? 2 : 1;
      } else if (c == '\'' || c == '"') {
        token.kind = TokenKind::kString;
        ++i;
        bool closed = false;
        while (i < text_.size()) {
          const char d = text_[i];
          if (d == c) {
            closed = true;
            ++i;
            break;
          }
          if (d == '\\') {
            if (i + 1 == text_.size()) break;
            const char e = text_[i + 1];
            switch (e) {
              case '\\':
              case '\'':
              case '"': token.text += e; break;
              case 'n': token.text += '\n'; break;
              case 't': token.text += '\t'; break;
              default:
                return error_at(i + 1, fmt::format("expected an escape (\\\\, \\', \\\", \\n, \\t) "
                                                   "but found '\\{}'",
                                                   e));
            }
            i += 2;
            continue;
          }
          token.text += d;
          ++i;
        }
        if (!closed) {
          return error_at(start + 1, fmt::format("expected a closing {} for the string starting "
                                                 "here but found end of input",
                                                 c));
        }
      } else {
        token.kind = TokenKind::kWord;
        while (i < text_.size() && !ends_word(text_[i])) ++i;
        token.text = std::string(text_.substr(start, i - start));
      }
      token.raw = text_.substr(start, i - start);
      tokens_.push_back(std::move(token));
    }
  }

  // ---- helpers --------------------------------------------------------------------------

  const Token& peek() const { return tokens_[next_]; }
  const Token& take() {
    const Token& token = tokens_[next_];
    if (token.kind != TokenKind::kEnd) ++next_;
    return token;
  }
  bool peek_keyword(std::string_view keyword) const {
    return peek().kind == TokenKind::kWord && lower(peek().text) == keyword;
  }

  static std::string found(const Token& token) {
    if (token.kind == TokenKind::kEnd) return "end of input";
    std::string raw(token.raw.substr(0, 40));
    if (token.raw.size() > 40) raw += "...";
    if (token.kind == TokenKind::kString) return "string " + raw;
    if (token.kind == TokenKind::kWord && is_keyword(token.text)) return "keyword '" + raw + "'";
    return "'" + raw + "'";
  }

  Status error_at(std::size_t position, const std::string& what) const {
    std::string shown(text_);
    std::replace_if(
        shown.begin(), shown.end(), [](char c) { return is_space(c); }, ' ');
    return invalid_argument(fmt::format("position {}: {}\n  {}\n  {}^", position, what, shown,
                                        std::string(position - 1, ' ')));
  }

  Status check_depth(int depth, std::size_t position) const {
    if (depth >= kMaxDepth) {
      return error_at(position, fmt::format("expression nested deeper than {} levels", kMaxDepth));
    }
    return {};
  }

  // ---- grammar --------------------------------------------------------------------------

  Result<std::unique_ptr<SelectorAst>> parse_binary(int depth, std::string_view keyword,
                                                    SelectorAst::Kind kind) {
    auto left = kind == SelectorAst::Kind::kOr ? parse_binary(depth, "and", SelectorAst::Kind::kAnd)
                                               : parse_unary(depth);
    if (!left.ok() || !peek_keyword(keyword)) return left;
    auto node = std::make_unique<SelectorAst>();
    node->kind = kind;
    node->position = (*left)->position;
    node->children.push_back(std::move(left).value());
    while (peek_keyword(keyword)) {
      take();
      auto right = kind == SelectorAst::Kind::kOr
                       ? parse_binary(depth, "and", SelectorAst::Kind::kAnd)
                       : parse_unary(depth);
      if (!right.ok()) return right;
      node->children.push_back(std::move(right).value());
    }
    return node;
  }

  Result<std::unique_ptr<SelectorAst>> parse_or(int depth) {
    return parse_binary(depth, "or", SelectorAst::Kind::kOr);
  }

  Result<std::unique_ptr<SelectorAst>> parse_unary(int depth) {
    if (peek_keyword("not")) {
      const std::size_t position = take().position;
      PARITY_RETURN_IF_ERROR(check_depth(depth + 1, position));
      PARITY_ASSIGN_OR_RETURN(auto child, parse_unary(depth + 1));
      auto node = std::make_unique<SelectorAst>();
      node->kind = SelectorAst::Kind::kNot;
      node->position = position;
      node->children.push_back(std::move(child));
      return node;
    }
    return parse_primary(depth);
  }

  Result<std::unique_ptr<SelectorAst>> parse_primary(int depth) {
    const Token& token = take();
    if (token.kind == TokenKind::kLParen) {
      PARITY_RETURN_IF_ERROR(check_depth(depth + 1, token.position));
      PARITY_ASSIGN_OR_RETURN(auto inner, parse_or(depth + 1));
      const Token& close = take();
      if (close.kind != TokenKind::kRParen) {
        return error_at(close.position,
                        fmt::format("expected ')' to close the '(' at position {} but found {}",
                                    token.position, found(close)));
      }
      return inner;
    }
    if (token.kind == TokenKind::kWord && has_snapshot_prefix(token.text)) {
      const std::string name = token.text.substr(kSnapshotPrefix.size());
      if (!is_valid_name(name) || name.find('/') != std::string::npos) {
        return error_at(token.position + kSnapshotPrefix.size(),
                        fmt::format("expected a snapshot name ([A-Za-z0-9._-]) after 'snapshot:' "
                                    "but found {}",
                                    name.empty() ? std::string("nothing") : "'" + name + "'"));
      }
      auto node = std::make_unique<SelectorAst>();
      node->kind = SelectorAst::Kind::kSnapshot;
      node->position = token.position;
      node->name = name;
      return node;
    }
    if (token.kind != TokenKind::kWord || is_keyword(token.text) || !is_valid_name(token.text)) {
      return error_at(token.position,
                      fmt::format("expected a field or attribute name ([A-Za-z0-9_./-]), 'not', "
                                  "'(' or 'snapshot:NAME' but found {}",
                                  found(token)));
    }
    return parse_comparison(token);
  }

  Result<std::unique_ptr<SelectorAst>> parse_comparison(const Token& name_token) {
    auto node = std::make_unique<SelectorAst>();
    node->position = name_token.position;
    const catalog_detail::SelectorField* field = find_selector_field(name_token.text);
    node->name = field != nullptr ? std::string(field->name) : name_token.text;

    const Token& next = take();
    if (next.kind == TokenKind::kOp) {
      node->kind = SelectorAst::Kind::kCompare;
      node->op = next.op;
      PARITY_RETURN_IF_ERROR(
          parse_value(*node, field, fmt::format("after '{}'", compare_op_text(next.op))));
      return node;
    }
    bool negated = false;
    const Token* in_token = &next;
    if (next.kind == TokenKind::kWord && lower(next.text) == "not") {
      negated = true;
      in_token = &take();
      if (!(in_token->kind == TokenKind::kWord && lower(in_token->text) == "in")) {
        return error_at(in_token->position,
                        fmt::format("expected 'in' after 'not' but found {}", found(*in_token)));
      }
    }
    if (!(in_token->kind == TokenKind::kWord && lower(in_token->text) == "in")) {
      return error_at(next.position,
                      fmt::format("expected a comparison operator (=, !=, <, <=, >, >=) or 'in' "
                                  "after '{}' but found {}",
                                  name_token.text, found(next)));
    }
    node->kind = SelectorAst::Kind::kIn;
    node->negated = negated;
    const Token& open = take();
    if (open.kind != TokenKind::kLParen) {
      return error_at(open.position,
                      fmt::format("expected '(' after 'in' but found {}", found(open)));
    }
    PARITY_RETURN_IF_ERROR(parse_value(*node, field, "after '('"));
    while (true) {
      const Token& separator = take();
      if (separator.kind == TokenKind::kRParen) break;
      if (separator.kind != TokenKind::kComma) {
        return error_at(separator.position,
                        fmt::format("expected ',' or ')' in the list started at position {} but "
                                    "found {}",
                                    open.position, found(separator)));
      }
      PARITY_RETURN_IF_ERROR(parse_value(*node, field, "after ','"));
    }
    return node;
  }

  // Appends one value to `node`; `context` says where it was expected ("after '='").
  Status parse_value(SelectorAst& node, const catalog_detail::SelectorField* field,
                     const std::string& context) {
    const Token& token = take();
    if (token.kind == TokenKind::kWord && is_keyword(token.text)) {
      return error_at(
          token.position,
          fmt::format("expected a value {} but found {} (quote it to use it as a value)", context,
                      found(token)));
    }
    if (token.kind != TokenKind::kWord && token.kind != TokenKind::kString) {
      return error_at(token.position,
                      fmt::format("expected a value {} but found {}", context, found(token)));
    }
    if (field != nullptr && field->numeric && !parse_selector_number(token.text)) {
      return error_at(token.position,
                      fmt::format("field '{}' is numeric: expected a number but found {}",
                                  field->name, found(token)));
    }
    node.values.push_back(token.text);
    node.value_positions.push_back(token.position);
    return {};
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t next_ = 0;
};

// ---- describe -------------------------------------------------------------------------

bool needs_quotes(std::string_view value) {
  if (value.empty() || is_keyword(value) || has_snapshot_prefix(value)) return true;
  return std::any_of(value.begin(), value.end(), [](char c) { return ends_word(c) || c == '\\'; });
}

std::string quote_value(std::string_view value) {
  if (!needs_quotes(value)) return std::string(value);
  std::string out = "'";
  for (const char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  out += '\'';
  return out;
}

void describe_into(const SelectorAst& ast, std::string& out) {
  using Kind = SelectorAst::Kind;
  const auto child = [&out](const SelectorAst& node, bool parenthesize) {
    if (parenthesize) out += '(';
    describe_into(node, out);
    if (parenthesize) out += ')';
  };
  switch (ast.kind) {
    case Kind::kAll: return;
    case Kind::kOr:
    case Kind::kAnd: {
      const bool is_and = ast.kind == Kind::kAnd;
      for (std::size_t i = 0; i < ast.children.size(); ++i) {
        if (i > 0) out += is_and ? " and " : " or ";
        const Kind k = ast.children[i]->kind;
        // Nested same-kind lists are kept as written: (a or b) or c stays grouped.
        child(*ast.children[i], is_and ? (k == Kind::kOr || k == Kind::kAnd) : k == Kind::kOr);
      }
      return;
    }
    case Kind::kNot: {
      out += "not ";
      const Kind k = ast.children.front()->kind;
      child(*ast.children.front(), k == Kind::kOr || k == Kind::kAnd);
      return;
    }
    case Kind::kCompare:
      out += ast.name;
      out += ' ';
      out += compare_op_text(ast.op);
      out += ' ';
      out += quote_value(ast.values.front());
      return;
    case Kind::kIn:
      out += ast.name;
      out += ast.negated ? " not in (" : " in (";
      for (std::size_t i = 0; i < ast.values.size(); ++i) {
        if (i > 0) out += ", ";
        out += quote_value(ast.values[i]);
      }
      out += ')';
      return;
    case Kind::kSnapshot:
      out += kSnapshotPrefix;
      out += ast.name;
      return;
  }
}

void collect_snapshots(const SelectorAst& ast, std::vector<std::string>& names) {
  if (ast.kind == SelectorAst::Kind::kSnapshot) names.push_back(ast.name);
  for (const auto& c : ast.children) collect_snapshots(*c, names);
}

}  // namespace

std::string_view compare_op_text(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "=";
}

Result<std::unique_ptr<SelectorAst>> parse_selector(std::string_view text) {
  return Parser(text).run();
}

std::string describe(const SelectorAst& ast) {
  std::string out;
  describe_into(ast, out);
  return out;
}

std::vector<std::string> referenced_snapshots(const SelectorAst& ast) {
  std::vector<std::string> names;
  collect_snapshots(ast, names);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace parity
