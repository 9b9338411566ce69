package dev.alchemist.examples;

import dev.alchemist.examples.dialog.DialogOptions;
import java.util.ArrayList;
import java.util.List;

/** The demo's options for a test run: few users, no pauses, a fast simulated model. */
final class FastDemo {
  private FastDemo() {}

  /**
   * {@code users} x {@code turns} on a 5 ms, 2,000 tokens/s model of 12 tokens, then {@code more}.
   */
  static DialogOptions options(int users, int turns, String... more) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--users", "" + users, "--turns", "" + turns, "--think", "0ms"));
    args.addAll(List.of("--first-token", "5ms", "--tokens", "12", "--tokens-per-second", "2000"));
    args.addAll(List.of(more));
    return DialogOptions.parse(args.toArray(String[]::new));
  }
}
