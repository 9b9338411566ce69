package dev.alchemist.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** The shipped alert rules file, and a test copy of it that waits less before firing. */
final class AlertRules {
  /** The name the rules have in a user's {@code rule_files:} and in the docs. */
  static final String FILE_NAME = "alchemist-alerts.yml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private AlertRules() {}

  /** Copies the shipped rules out of the jar's resources to {@code directory/FILE_NAME}. */
  static Path shipped(Path directory) throws IOException {
    Path file = directory.resolve(FILE_NAME);
    try (InputStream in = resource()) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  /**
   * Writes the shipped rules with every {@code for:} replaced by {@code forDuration}, and nothing
   * else changed: the same expressions, labels and annotations, so a test that makes these fire
   * evaluates exactly what users load.
   */
  static Path withFor(Path directory, String forDuration) throws IOException {
    JsonNode root;
    try (InputStream in = resource()) {
      root = YAML.readTree(in);
    }
    for (JsonNode group : root.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        ((ObjectNode) rule).put("for", forDuration);
      }
    }
    Path file = Files.createDirectories(directory.resolve("short-for")).resolve(FILE_NAME);
    YAML.writeValue(file.toFile(), root);
    return file;
  }

  /** Alert name to its rule, in file order. */
  static Map<String, JsonNode> byAlert(Path file) throws IOException {
    Map<String, JsonNode> rules = new LinkedHashMap<>();
    for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        rules.put(rule.path("alert").asText(), rule);
      }
    }
    return rules;
  }

  private static InputStream resource() throws IOException {
    InputStream in =
        AlertRules.class
            .getClassLoader()
            .getResourceAsStream(AlchemistMetrics.ALERT_RULES_RESOURCE);
    if (in == null) {
      throw new IOException("resource " + AlchemistMetrics.ALERT_RULES_RESOURCE + " is missing");
    }
    return in;
  }
}
