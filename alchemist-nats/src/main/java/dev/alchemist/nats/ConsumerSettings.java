package dev.alchemist.nats;

import dev.alchemist.core.Checks;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A JetStream durable pull consumer for {@link NatsEvents#consume}.
 *
 * @param stream the stream to read
 * @param durableName the consumer's durable name: it remembers its position across restarts
 * @param filter the subjects it reads
 * @param maxDeliver how often a message is delivered at most; after the last failed delivery it is
 *     published to {@code deadLetterSubject} (if set) and terminated
 * @param backoff the delay before redelivery after the 1st, 2nd, ... failed delivery (the last step
 *     repeats): a failed delivery is naked with its step as the delay, so that step is the gap
 *     between two deliveries. It is not sent to the server as a consumer backoff (the server would
 *     then use its first step as the ack wait and add its steps to the nak delays)
 * @param ackWait how long the server waits for an ack before redelivering. The consumer sends
 *     in-progress for every message it holds (queued for the handler or in it) before three
 *     quarters of this have passed, so it only expires for messages whose consumer died or was cut
 *     off
 * @param maxAckPending most unacknowledged messages the server hands out for this durable at once
 *     (across all its instances)
 * @param batchSize messages per pull request, and the most the consumer queues for its handler: it
 *     pulls again only as the handler takes messages, so it holds at most 2 x batchSize messages
 *     (batchSize queued, up to batchSize pulled ahead in jnats). A message can wait up to batchSize
 *     handler runs in jnats before the consumer sees it, so keep batchSize times the handler's time
 *     well under ackWait
 * @param deadLetterSubject where exhausted messages go, or null to only terminate them
 * @param lagInterval how often consumer lag (pending, ack pending) is read from the server
 */
public record ConsumerSettings(
    String stream,
    String durableName,
    SubjectPattern filter,
    int maxDeliver,
    List<Duration> backoff,
    Duration ackWait,
    int maxAckPending,
    int batchSize,
    @Nullable String deadLetterSubject,
    Duration lagInterval) {

  public ConsumerSettings {
    Checks.notBlank("stream", stream);
    Checks.notBlank("durableName", durableName);
    Checks.notNull("filter", filter);
    Checks.inRange("maxDeliver", maxDeliver, 1, 1000);
    backoff = List.copyOf(Checks.notNull("backoff", backoff));
    backoff.forEach(d -> Checks.positive("backoff", d));
    Checks.positive("ackWait", ackWait);
    Checks.inRange("maxAckPending", maxAckPending, 1, 1_000_000);
    Checks.inRange("batchSize", batchSize, 1, 10_000);
    if (deadLetterSubject != null) {
      Subject.validate(deadLetterSubject);
    }
    Checks.positive("lagInterval", lagInterval);
    if (!backoff.isEmpty() && backoff.size() >= maxDeliver) {
      throw new IllegalStateException(
          "backoff has "
              + backoff.size()
              + " steps but maxDeliver ("
              + maxDeliver
              + ") allows only "
              + (maxDeliver - 1)
              + " redeliveries: the extra steps would never be used");
    }
    if (deadLetterSubject != null && filter.matches(deadLetterSubject)) {
      throw new IllegalStateException(
          "deadLetterSubject "
              + deadLetterSubject
              + " matches the filter "
              + filter
              + ": dead letters would be consumed again");
    }
  }

  /** A builder for {@code durableName} on {@code stream}. */
  public static Builder builder(String stream, String durableName) {
    return new Builder(stream, durableName);
  }

  /** Collects settings; setters validate, {@link #build()} checks combinations. Not thread-safe. */
  public static final class Builder {
    private final String stream;
    private final String durableName;
    private @Nullable SubjectPattern filter;
    private int maxDeliver = 5;
    private List<Duration> backoff =
        List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30));
    private Duration ackWait = Duration.ofSeconds(30);
    private int maxAckPending = 1000;
    private int batchSize = 100;
    private @Nullable String deadLetterSubject;
    private Duration lagInterval = Duration.ofSeconds(5);

    private Builder(String stream, String durableName) {
      this.stream = Checks.notBlank("stream", stream);
      this.durableName = Checks.notBlank("durableName", durableName);
    }

    /** Required: the subjects to read. */
    public Builder filter(SubjectPattern filter) {
      this.filter = Checks.notNull("filter", filter);
      return this;
    }

    /** Default 5. */
    public Builder maxDeliver(int max) {
      this.maxDeliver = (int) Checks.inRange("maxDeliver", max, 1, 1000);
      return this;
    }

    /**
     * Default 1 s, 5 s, 30 s (a message that always fails is dead-lettered about 66 s after its
     * first delivery with the default maxDeliver of 5); none for immediate redelivery.
     */
    public Builder backoff(Duration... delays) {
      for (Duration d : delays) {
        Checks.positive("backoff", d);
      }
      this.backoff = List.of(delays);
      return this;
    }

    /** Default 30 s; see {@link ConsumerSettings#ackWait()}. */
    public Builder ackWait(Duration wait) {
      this.ackWait = Checks.positive("ackWait", wait);
      return this;
    }

    /** Default 1000. */
    public Builder maxAckPending(int max) {
      this.maxAckPending = (int) Checks.inRange("maxAckPending", max, 1, 1_000_000);
      return this;
    }

    /** Default 100; also the bound on queued messages, see {@link ConsumerSettings#batchSize()}. */
    public Builder batchSize(int size) {
      this.batchSize = (int) Checks.inRange("batchSize", size, 1, 10_000);
      return this;
    }

    /** Default none. */
    public Builder deadLetterSubject(String subject) {
      this.deadLetterSubject = Subject.validate(subject);
      return this;
    }

    /** Default 5 s. */
    public Builder lagInterval(Duration interval) {
      this.lagInterval = Checks.positive("lagInterval", interval);
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalStateException if no filter was set, the backoff has as many steps as
     *     maxDeliver (more than there are redeliveries), or the dead-letter subject matches the
     *     filter
     */
    public ConsumerSettings build() {
      if (filter == null) {
        throw new IllegalStateException("filter must be set for consumer " + durableName);
      }
      return new ConsumerSettings(
          stream,
          durableName,
          filter,
          maxDeliver,
          backoff,
          ackWait,
          maxAckPending,
          batchSize,
          deadLetterSubject,
          lagInterval);
    }
  }
}
