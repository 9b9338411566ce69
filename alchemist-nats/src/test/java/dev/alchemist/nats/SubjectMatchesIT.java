package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.testing.TestServices;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link SubjectPattern#matches} against the truth: subscribe a real nats-server to the pattern,
 * publish the subject, and see whether it is delivered.
 */
class SubjectMatchesIT {
  private static Connection connection;
  private static String prefix;
  private static final AtomicLong RUN = new AtomicLong();

  @BeforeContainer
  static void connect() throws Exception {
    connection = Nats.connect(TestServices.nats().uri());
    prefix = TestServices.uniquePrefix("match");
  }

  @AfterContainer
  static void disconnect() throws Exception {
    if (connection != null) {
      connection.close();
    }
  }

  @Property(tries = 400)
  void matches_agreesWithNatsServer(
      @ForAll("patterns") String pattern, @ForAll("subjects") String subject) throws Exception {
    // A fresh literal prefix per try keeps tries apart; a literal token changes no match.
    String root = prefix + ".r" + RUN.incrementAndGet() + ".";
    SubjectPattern parsed = SubjectPattern.parse(root + pattern);
    Subscription sub = connection.subscribe(parsed.toString());
    try {
      connection.flush(Duration.ofSeconds(5));
      connection.publish(root + subject, new byte[] {1});
      // The server answers our PING after it delivered the message to this same connection.
      connection.flush(Duration.ofSeconds(5));
      Message delivered = sub.nextMessage(Duration.ofMillis(20));
      assertThat(delivered != null)
          .as("pattern %s, subject %s", parsed, root + subject)
          .isEqualTo(parsed.matches(root + subject));
    } finally {
      sub.unsubscribe();
    }
  }

  @Provide
  Arbitrary<String> subjects() {
    return Arbitraries.of("a", "b", "c")
        .list()
        .ofMinSize(1)
        .ofMaxSize(5)
        .map(tokens -> String.join(".", tokens));
  }

  @Provide
  Arbitrary<String> patterns() {
    Arbitrary<List<String>> tokens = Arbitraries.of("a", "b", "*").list().ofMinSize(0).ofMaxSize(5);
    return Combinators.combine(tokens, Arbitraries.of(true, false))
        .as(
            (list, tail) -> {
              List<String> all = new ArrayList<>(list);
              if (tail || all.isEmpty()) {
                all.add(">");
              }
              return String.join(".", all);
            });
  }
}
