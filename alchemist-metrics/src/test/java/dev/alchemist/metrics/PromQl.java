package dev.alchemist.metrics;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the metric names a PromQL expression selects. A small tokenizer rather than a full
 * parser: it skips strings, label matchers in braces, ranges in brackets, function and aggregation
 * names, keywords, label lists after {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code
 * group_left}/{@code group_right}, and numbers or durations. What is left is the metric names.
 */
final class PromQl {
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end");
  private static final Set<String> LABEL_LIST_KEYWORDS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> AGGREGATORS =
      Set.of(
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio");
  // Grafana's variable query function: label_values(metric_or_selector, label).
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$");

  private PromQl() {}

  /** Returns the metric names in a Grafana variable query such as {@code label_values(m, l)}. */
  static Set<String> variableQueryMetricNames(String query) {
    Matcher m = LABEL_VALUES.matcher(query);
    if (m.matches()) {
      return metricNames(m.group(1));
    }
    return metricNames(query);
  }

  /** Returns the metric names {@code expr} selects, in order of appearance. */
  static Set<String> metricNames(String expr) {
    Set<String> names = new LinkedHashSet<>();
    int i = 0;
    int n = expr.length();
    boolean skipNextLabelList = false;
    while (i < n) {
      char c = expr.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '#') { // comment to end of line
        while (i < n && expr.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
      } else if (c == '{') {
        i = skipBalanced(expr, i, '{', '}');
      } else if (c == '[') {
        i = skipBalanced(expr, i, '[', ']');
      } else if (c == '(' && skipNextLabelList) {
        i = skipBalanced(expr, i, '(', ')');
        skipNextLabelList = false;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && isDigit(expr.charAt(i + 1)))) {
        // number, or a duration such as 1h or 5m30s (after offset/@)
        while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
          i++;
        }
        if (i < n
            && (expr.charAt(i) == '+' || expr.charAt(i) == '-')
            && Character.toLowerCase(expr.charAt(i - 1)) == 'e') {
          i++; // exponent sign, as in 1e-3
          while (i < n && Character.isDigit(expr.charAt(i))) {
            i++;
          }
        }
      } else if (isIdentStart(c)) {
        int start = i;
        while (i < n && isIdentPart(expr.charAt(i))) {
          i++;
        }
        String ident = expr.substring(start, i);
        String lower = ident.toLowerCase(java.util.Locale.ROOT);
        int next = skipSpace(expr, i);
        boolean call = next < n && expr.charAt(next) == '(';
        if (LABEL_LIST_KEYWORDS.contains(lower)) {
          skipNextLabelList = true;
        } else if (KEYWORDS.contains(lower) || AGGREGATORS.contains(lower) || call) {
          // function, aggregation or keyword: not a metric
        } else {
          names.add(ident);
        }
      } else {
        i++;
      }
    }
    return names;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_' || c == ':';
  }

  private static boolean isIdentPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int skipString(String s, int i) {
    char quote = s.charAt(i);
    i++;
    while (i < s.length() && s.charAt(i) != quote) {
      if (s.charAt(i) == '\\' && quote != '`') {
        i++;
      }
      i++;
    }
    if (i >= s.length()) {
      throw new IllegalArgumentException("unterminated string in PromQL: " + s);
    }
    return i + 1;
  }

  private static int skipBalanced(String s, int i, char open, char close) {
    int depth = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(s, i);
        continue;
      }
      if (c == open) {
        depth++;
      } else if (c == close && --depth == 0) {
        return i + 1;
      }
      i++;
    }
    throw new IllegalArgumentException("unbalanced '" + open + "' in PromQL: " + s);
  }
}
