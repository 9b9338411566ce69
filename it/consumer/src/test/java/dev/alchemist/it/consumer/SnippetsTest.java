package dev.alchemist.it.consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of the README and docs/ is compiled here: each one must appear, as the same
 * text, between {@code // snippet:begin} and {@code // snippet:end} in a class of this project,
 * whose build compiles it against the installed artifacts. A snippet edited in the docs without
 * its copy here (or the reverse) fails this test; a copy that no longer compiles fails the build.
 * Indentation and trailing spaces do not count.
 */
class SnippetsTest {
  private static final Path ROOT = Path.of(System.getProperty("repository.root", "../.."));

  record Snippet(String where, String text) {}

  @Test
  void everyDocumentedSnippetIsCompiledCode() throws IOException {
    List<Snippet> documented = documentedSnippets();
    List<Snippet> compiled = compiledSnippets();
    assertTrue(documented.size() >= 10, "found only " + documented.size() + " snippets in the docs");
    List<String> problems = new ArrayList<>();
    for (Snippet d : documented) {
      if (compiled.stream().noneMatch(c -> c.text().equals(d.text()))) {
        problems.add(
            d.where()
                + ": this Java snippet is not compiled by it/consumer; copy it, as it is, between"
                + " // snippet:begin and // snippet:end into a class there\n"
                + d.text());
      }
    }
    for (Snippet c : compiled) {
      if (documented.stream().noneMatch(d -> d.text().equals(c.text()))) {
        problems.add(
            c.where() + ": this snippet region matches no Java snippet of the docs\n" + c.text());
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n\n", problems));
  }

  @Test
  void theCheckNoticesAnEditedSnippet() {
    String doc = "x\n```java\nint a = 1;\n  int b = 2;\n```\n";
    List<Snippet> fromDoc = blocks("d.md", doc, "```java", "```");
    List<Snippet> fromCode =
        blocks("C.java", "  // snippet:begin\n  int a = 1;\n    int b = 2;\n  // snippet:end\n",
            "// snippet:begin", "// snippet:end");
    assertTrue(fromDoc.get(0).text().equals(fromCode.get(0).text()), "dedented texts compare equal");
    List<Snippet> edited =
        blocks("C.java", "// snippet:begin\nint a = 2;\n  int b = 2;\n// snippet:end\n",
            "// snippet:begin", "// snippet:end");
    assertTrue(!fromDoc.get(0).text().equals(edited.get(0).text()), "an edit is a difference");
  }

  private static List<Snippet> documentedSnippets() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    List<Snippet> out = new ArrayList<>();
    for (Path doc : docs) {
      out.addAll(blocks(ROOT.relativize(doc).toString(), Files.readString(doc), "```java", "```"));
    }
    return out;
  }

  private static List<Snippet> compiledSnippets() throws IOException {
    List<Snippet> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        out.addAll(blocks(p.toString(), Files.readString(p), "// snippet:begin", "// snippet:end"));
      }
    }
    return out;
  }

  /** The regions between a line that is {@code begin} and the next that is {@code end}. */
  static List<Snippet> blocks(String file, String text, String begin, String end) {
    List<Snippet> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].strip().equals(begin)) {
        continue;
      }
      int start = i + 1;
      int j = start;
      while (j < lines.length && !lines[j].strip().equals(end)) {
        j++;
      }
      if (j == lines.length) {
        throw new IllegalStateException(file + " line " + (i + 1) + ": no closing " + end);
      }
      out.add(new Snippet(file + " line " + (i + 1), normalize(List.of(lines).subList(start, j))));
      i = j;
    }
    return out;
  }

  private static String normalize(List<String> lines) {
    List<String> kept = lines.stream().map(String::stripTrailing).toList();
    int indent =
        kept.stream()
            .filter(l -> !l.isEmpty())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return String.join("\n", kept.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).toList())
        .strip();
  }
}
