package dev.alchemist.examples.dialog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process from {@code /proc/self/status} (Linux): {@code VmHWM} is the peak
 * resident set, {@code VmRSS} the current one. Both are -1 where the file does not exist.
 *
 * @param peakRssBytes the peak resident set size
 * @param rssBytes the current resident set size
 */
public record ProcessMemory(long peakRssBytes, long rssBytes) {

  /** Reads the current figures. */
  public static ProcessMemory read() {
    long hwm = -1;
    long rss = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = kib(line);
        } else if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: report unknown rather than a wrong number.
    }
    return new ProcessMemory(hwm, rss);
  }

  private static long kib(String line) {
    String digits = line.replaceAll("[^0-9]", "");
    return digits.isEmpty() ? -1 : Long.parseLong(digits) * 1024;
  }
}
