package dev.alchemist.examples.dialog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Command-line options of the dialog flow. Every part runs embedded unless its flag names a real
 * service. Immutable.
 *
 * @param users simulated users chatting at once, one dialog each
 * @param turns turns per user; 0 = keep going until {@code duration} has passed
 * @param duration stop starting new turns after this long; null = only {@code turns} decides
 * @param think longest pause between a user's turns (each pause is uniform in 0..think)
 * @param rampUp users start at uniformly random times within this window
 * @param redis Redis URI for the cache, or null for the embedded store
 * @param nats NATS URL for events (JetStream with a development stream), or null for in-process
 * @param jdbc JDBC URL of PostgreSQL (or H2), or null for embedded H2
 * @param jdbcUser login of {@code jdbc}
 * @param jdbcPasswordEnv environment variable holding the JDBC password (never a flag, never
 *     printed)
 * @param openAiBaseUrl an OpenAI-compatible endpoint, or null
 * @param openAiKeyEnv environment variable holding the API key (never a flag, never printed)
 * @param ollamaUrl an Ollama endpoint, or null
 * @param model model name sent to the model
 * @param firstTokenLatency simulated model: delay before the first token
 * @param tokensPerAnswer simulated model: tokens per answer
 * @param tokensPerSecond simulated model: token rate
 * @param metricsPort port of the Prometheus endpoint on loopback; 0 picks a free one
 * @param writerLanes batches the message writer commits at once (its {@code concurrency})
 * @param maxStoreWaiting turns whose user message may wait for its commit at once; one more is
 *     rejected at once with {@link TurnRejectedException} (HTTP 429) instead of queueing
 * @param ackBeforeCommit <b>trades durability for latency</b>: a turn's post completes when its
 *     user message is queued to the batching writer, not when PostgreSQL (or H2) has committed it.
 *     A message acknowledged this way is <b>lost if the process dies</b> before its batch commits
 *     (at most the writer's {@code maxDelay} plus one batch's write later). Off by default: the
 *     post waits for the commit
 * @param warmUpUsers users of the throwaway embedded warm-up run before the measured one; 0 = none
 * @param prefix when set: subject root, stream name, cache key prefix and database schema are
 *     derived from it, so runs against shared servers never collide
 * @param cleanup drop the stream, the cache keys and the schema at the end (needs {@code prefix})
 * @param progress print a progress line every second
 */
public record DialogOptions(
    int users,
    int turns,
    @Nullable Duration duration,
    Duration think,
    Duration rampUp,
    @Nullable String redis,
    @Nullable String nats,
    @Nullable String jdbc,
    @Nullable String jdbcUser,
    String jdbcPasswordEnv,
    @Nullable String openAiBaseUrl,
    String openAiKeyEnv,
    @Nullable String ollamaUrl,
    String model,
    Duration firstTokenLatency,
    int tokensPerAnswer,
    double tokensPerSecond,
    int metricsPort,
    int writerLanes,
    int maxStoreWaiting,
    boolean ackBeforeCommit,
    int warmUpUsers,
    @Nullable String prefix,
    boolean cleanup,
    boolean progress) {

  /**
   * Default of {@link #maxStoreWaiting()}. Measured with 1,000 dialogs (each has at most one user
   * message waiting, so 1,000 is the ceiling at the guide's concurrency): the most messages waiting
   * at once were 44 in the demo on embedded H2 and 158 to 176 in {@code LoadScenario} on PostgreSQL
   * with other builds running, where that commit's p99 was 125 to 227 ms. 500 is about three times
   * that worst case: a store so far behind that a turn would queue for most of a second, and never
   * refused at the guide's load on this machine.
   */
  public static final int DEFAULT_MAX_STORE_WAITING = 500;

  /** Usage text printed by {@code --help} and after a bad flag. */
  public static final String USAGE =
      String.join(
          "\n",
          "options (embedded defaults: H2, local cache, in-process bus, simulated model):",
          "  --users N               simulated users chatting at once (200)",
          "  --turns N               turns per user, 0 = until --duration (3)",
          "  --duration D            stop starting turns after D, e.g. 30s, 2m (none)",
          "  --think D               longest pause between a user's turns (200ms)",
          "  --ramp-up D             users start at random times within D (2s)",
          "  --redis URI             cache in Redis, e.g. redis://127.0.0.1:6379",
          "  --nats URL              events on NATS JetStream (development stream), e.g."
              + " nats://127.0.0.1:4222",
          "  --jdbc URL              store in PostgreSQL, e.g."
              + " jdbc:postgresql://127.0.0.1:5432/test",
          "  --jdbc-user USER        database login",
          "  --jdbc-password-env VAR environment variable with the password (ALCHEMIST_PG_PASSWORD)",
          "  --openai-base-url URL   OpenAI-compatible model endpoint",
          "  --openai-key-env VAR    environment variable with the API key (OPENAI_API_KEY)",
          "  --ollama-url URL        Ollama endpoint, e.g. http://127.0.0.1:11434",
          "  --model NAME            model name (simulated / gpt-4o-mini / llama3.2)",
          "  --first-token D         simulated model: first-token latency (150ms)",
          "  --tokens N              simulated model: tokens per answer (60)",
          "  --tokens-per-second R   simulated model: token rate (50)",
          "  --metrics-port P        Prometheus endpoint port on loopback, 0 = any free (0)",
          "  --writer-lanes N        message batches committed at once, 1 to 4 (1)",
          "  --max-store-waiting N   turns waiting for their message's commit beyond which a"
              + " turn is rejected (HTTP 429), counted ("
              + DEFAULT_MAX_STORE_WAITING
              + ")",
          "  --ack-before-commit     a post completes when its message is queued, not committed:"
              + " LOST if the process dies before the batch commits (off)",
          "  --warm-up N             users of an embedded warm-up before the clock, 0 = none"
              + " (300)",
          "  --prefix P              isolate the run: subject root, stream, cache keys, schema",
          "  --cleanup               with --prefix: drop stream, cache keys and schema at the end",
          "  --quiet                 no progress lines");

  /** The embedded defaults: 200 users, 3 turns. */
  public static DialogOptions defaults() {
    return parse();
  }

  /**
   * Parses command-line flags.
   *
   * @throws IllegalArgumentException naming the bad flag or value
   */
  public static DialogOptions parse(String... args) {
    Map<String, String> v = new java.util.HashMap<>();
    List<String> switches = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--cleanup")
          || a.equals("--quiet")
          || a.equals("--help")
          || a.equals("--ack-before-commit")) {
        switches.add(a);
        continue;
      }
      if (!a.startsWith("--") || !FLAGS.contains(a)) {
        throw new IllegalArgumentException("unknown option " + a);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      v.put(a, args[++i]);
    }
    if (switches.contains("--help")) {
      throw new HelpRequested();
    }
    String ollama = v.get("--ollama-url");
    String openAi = v.get("--openai-base-url");
    if (ollama != null && openAi != null) {
      throw new IllegalArgumentException("choose one of --openai-base-url and --ollama-url");
    }
    String defaultModel =
        openAi != null ? "gpt-4o-mini" : ollama != null ? "llama3.2" : "simulated";
    DialogOptions o =
        new DialogOptions(
            intValue(v, "--users", 200, 1),
            intValue(v, "--turns", 3, 0),
            v.containsKey("--duration") ? duration("--duration", v.get("--duration")) : null,
            duration("--think", v.getOrDefault("--think", "200ms")),
            // 2 s: all users still have their dialogs open at once (a user's three turns take
            // longer),
            // while their first posts do not all land in the same few batches of a cold store.
            duration("--ramp-up", v.getOrDefault("--ramp-up", "2s")),
            v.get("--redis"),
            v.get("--nats"),
            v.get("--jdbc"),
            v.get("--jdbc-user"),
            v.getOrDefault("--jdbc-password-env", "ALCHEMIST_PG_PASSWORD"),
            openAi,
            v.getOrDefault("--openai-key-env", "OPENAI_API_KEY"),
            ollama,
            v.getOrDefault("--model", defaultModel),
            duration("--first-token", v.getOrDefault("--first-token", "150ms")),
            intValue(v, "--tokens", 60, 1),
            doubleValue(v, "--tokens-per-second", 50),
            intValue(v, "--metrics-port", 0, 0),
            intValue(v, "--writer-lanes", 1, 1),
            intValue(v, "--max-store-waiting", DEFAULT_MAX_STORE_WAITING, 1),
            switches.contains("--ack-before-commit"),
            intValue(v, "--warm-up", 300, 0),
            v.get("--prefix"),
            switches.contains("--cleanup"),
            !switches.contains("--quiet"));
    if (o.turns == 0 && o.duration == null) {
      throw new IllegalArgumentException("--turns 0 needs --duration");
    }
    if (o.metricsPort > 65_535) {
      throw new IllegalArgumentException(
          "--metrics-port must be <= 65535 but was " + o.metricsPort);
    }
    if (o.writerLanes > 4) {
      // The default pool has 2 x cores + 1 connections; keep some for reads and opens.
      throw new IllegalArgumentException("--writer-lanes must be <= 4 but was " + o.writerLanes);
    }
    if (o.cleanup && o.prefix == null) {
      throw new IllegalArgumentException("--cleanup needs --prefix (it drops what the run made)");
    }
    if (o.prefix != null && !o.prefix.matches("[a-z][a-z0-9_]{0,40}")) {
      throw new IllegalArgumentException(
          "--prefix must match [a-z][a-z0-9_]{0,40} but was '" + o.prefix + "'");
    }
    return o;
  }

  /** The subject root: the prefix, or the guide's {@code cim}. */
  public String subjectRoot() {
    return prefix == null ? "cim" : prefix;
  }

  /** The JetStream stream: derived from the prefix, or {@code ALCHEMIST-EVENTS}. */
  public String streamName() {
    return prefix == null ? "ALCHEMIST-EVENTS" : prefix.toUpperCase(Locale.ROOT) + "-EVENTS";
  }

  /** The cache key prefix: the prefix, or {@code alchemist}. */
  public String cacheKeyPrefix() {
    return prefix == null ? "alchemist" : prefix;
  }

  /** Where each part runs, for the summary: e.g. {@code store=embedded H2}. */
  public String backends() {
    String modelPart =
        openAiBaseUrl != null
            ? "OpenAI-compatible " + openAiBaseUrl
            : ollamaUrl != null
                ? "Ollama " + ollamaUrl
                : "simulated (first token "
                    + firstTokenLatency.toMillis()
                    + " ms, "
                    + tokensPerAnswer
                    + " tokens at "
                    + (int) tokensPerSecond
                    + "/s)";
    return "store="
        + (jdbc == null ? "embedded H2" : redactUrl(jdbc))
        + ", cache="
        + (redis == null ? "local" : redactUrl(redis))
        + ", events="
        + (nats == null ? "in-process bus" : "JetStream " + redactUrl(nats) + " " + streamName())
        + ", model="
        + modelPart;
  }

  /** Drops {@code user:password@} from a URL before it is printed. */
  static String redactUrl(String url) {
    return url.replaceAll("//[^/@]*@", "//***@").replaceAll("(?i)password=[^&;]*", "password=***");
  }

  private static final List<String> FLAGS =
      List.of(
          "--users",
          "--turns",
          "--duration",
          "--think",
          "--ramp-up",
          "--redis",
          "--nats",
          "--jdbc",
          "--jdbc-user",
          "--jdbc-password-env",
          "--openai-base-url",
          "--openai-key-env",
          "--ollama-url",
          "--model",
          "--first-token",
          "--tokens",
          "--tokens-per-second",
          "--metrics-port",
          "--writer-lanes",
          "--max-store-waiting",
          "--warm-up",
          "--prefix");

  private static int intValue(Map<String, String> v, String flag, int def, int min) {
    String s = v.get(flag);
    if (s == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(s.replace("_", ""));
      if (n < min) {
        throw new IllegalArgumentException(flag + " must be >= " + min + " but was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number but was '" + s + "'", e);
    }
  }

  private static double doubleValue(Map<String, String> v, String flag, double def) {
    String s = v.get(flag);
    if (s == null) {
      return def;
    }
    try {
      double d = Double.parseDouble(s);
      if (!(d > 0)) {
        throw new IllegalArgumentException(flag + " must be positive but was " + s);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number but was '" + s + "'", e);
    }
  }

  /** Parses {@code 500ms}, {@code 30s}, {@code 2m} or ISO-8601 {@code PT30S}. */
  static Duration duration(String flag, String s) {
    try {
      String t = s.trim().toLowerCase(Locale.ROOT);
      Duration d;
      if (t.startsWith("pt")) {
        d = Duration.parse(s.trim());
      } else if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        d =
            Duration.ofMillis(
                Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      } else if (t.endsWith("m")) {
        d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
      } else {
        throw new IllegalArgumentException("no unit");
      }
      if (d.isNegative()) {
        throw new IllegalArgumentException("negative");
      }
      return d;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          flag + " must be a duration like 500ms, 30s, 2m or PT30S but was '" + s + "'", e);
    }
  }

  /** Thrown by {@link #parse} for {@code --help}: the caller prints {@link #USAGE}. */
  public static final class HelpRequested extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help requested");
    }
  }
}
