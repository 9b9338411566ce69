package dev.alchemist.ai;

import dev.alchemist.core.Checks;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sampling options of a chat request. {@code null} means "the provider's default" and is not sent.
 *
 * @param temperature 0 to 2; 0 makes a request cacheable by default
 * @param topP nucleus sampling, (0, 1]
 * @param maxTokens the most tokens to generate, at least 1
 * @param stop stop sequences, at most 16
 * @param seed the provider's sampling seed
 * @param tools tool definitions as opaque JSON object strings, sent verbatim
 */
public record ChatOptions(
    @Nullable Double temperature,
    @Nullable Double topP,
    @Nullable Integer maxTokens,
    List<String> stop,
    @Nullable Long seed,
    List<String> tools) {

  /** No option set: every value is the provider's default. */
  public static final ChatOptions DEFAULTS =
      new ChatOptions(null, null, null, List.of(), null, List.of());

  public ChatOptions {
    if (temperature != null) {
      Checks.nonNegative("temperature", temperature, 2.0);
    }
    if (topP != null) {
      Checks.positive("topP", topP, 1.0);
    }
    if (maxTokens != null) {
      Checks.atLeast("maxTokens", maxTokens, 1);
    }
    stop = List.copyOf(Checks.notNull("stop", stop));
    Checks.inRange("stop count", stop.size(), 0, 16);
    tools = List.copyOf(Checks.notNull("tools", tools));
    for (String tool : tools) {
      if (!tool.strip().startsWith("{")) {
        throw new IllegalArgumentException(
            "tools must be JSON objects but one starts with '"
                + tool.strip().substring(0, Math.min(10, tool.strip().length()))
                + "'");
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.temperature = temperature;
    b.topP = topP;
    b.maxTokens = maxTokens;
    b.stop.addAll(stop);
    b.seed = seed;
    b.tools.addAll(tools);
    return b;
  }

  /** Builds {@link ChatOptions}; not thread-safe, reusable ({@link #build()} copies). */
  public static final class Builder {
    private @Nullable Double temperature;
    private @Nullable Double topP;
    private @Nullable Integer maxTokens;
    private final List<String> stop = new ArrayList<>();
    private @Nullable Long seed;
    private final List<String> tools = new ArrayList<>();

    private Builder() {}

    public Builder temperature(double temperature) {
      this.temperature = Checks.nonNegative("temperature", temperature, 2.0);
      return this;
    }

    public Builder topP(double topP) {
      this.topP = Checks.positive("topP", topP, 1.0);
      return this;
    }

    public Builder maxTokens(int maxTokens) {
      this.maxTokens = Checks.atLeast("maxTokens", maxTokens, 1);
      return this;
    }

    public Builder stop(String... stop) {
      for (String s : stop) {
        this.stop.add(Checks.notNull("stop", s));
      }
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Adds one tool definition, a JSON object sent verbatim in the provider's tools array. */
    public Builder tool(String toolJson) {
      this.tools.add(Checks.notBlank("tool", toolJson));
      return this;
    }

    public ChatOptions build() {
      return new ChatOptions(temperature, topP, maxTokens, stop, seed, tools);
    }
  }
}
