package dev.alchemist.bench.nats;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.nats.EventHeaders;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.Subject;
import dev.alchemist.nats.SubjectSpace;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Publishing events: alchemist-nats beside raw jnats on connections with the same options, to the
 * same nats-server and the same R1 file stream.
 *
 * <p>Three kinds of comparison:
 *
 * <ul>
 *   <li><b>With a callback</b> ({@code jetStreamCallback*}), the way the README uses the publisher:
 *       both sides attach a callback that does the same work (count the ack). Ours runs it on our
 *       executor, raw jnats on its own thread. This is the headline figure.
 *   <li><b>Same work, nothing attached</b> ({@code jetStream*}, {@code core*}): the raw cases
 *       encode the event with the same codec and send the same headers (the JetStream case with
 *       {@code Nats-Msg-Id} and {@code Nats-Expected-Stream}) and bound the acks in flight with a
 *       semaphore of the same size. So the ratio is the cost of our layer: subject cache,
 *       bookkeeping for retries and timeouts, completion, metrics.
 *   <li><b>Against bare bytes</b> ({@code coreEvent256} beside {@code coreRawJnatsBareBytes256}):
 *       our core publish of an event that encodes to {@value #EVENT_BYTES} bytes, against raw jnats
 *       publishing {@value #EVENT_BYTES} pre-built bytes without headers: what encoding and headers
 *       cost on top of the publish itself. {@code coreRawJnatsHeaders256}, the same bytes with our
 *       headers, splits that cost between the two.
 * </ul>
 *
 * <p>Throughput is publishes per second on one thread; at the in-flight bound a publish waits for
 * an ack, so in steady state it is the ack rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NatsPublishBenchmark {
  /** The encoded size of the event of the bare-bytes comparison. */
  static final int EVENT_BYTES = 256;

  @Param({"1024"})
  public int maxInFlight;

  private final Codec<DomainEvent> codec = KryoCodecs.builder().build().codec(DomainEvent.class);
  private final long idHigh = ThreadLocalRandom.current().nextLong();
  private long idLow;
  private final Instant now = Instant.now();
  private final String payload = "{\"text\":\"" + "x".repeat(100) + "\"}";

  private String prefix;
  private StreamSpec spec;
  private NatsEvents events;
  private JetStreamPublisher publisher;
  private Connection raw;
  private JetStream rawJs;
  private Semaphore rawPermits;
  private Subject subject;
  private Subject coreSubject;
  private DomainEvent event256;
  private byte[] bare256;
  private Headers sharedCoreHeaders;
  private final LongAdder callbackAcks = new LongAdder();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    String url = System.getProperty("nats.url", "nats://127.0.0.1:4222");
    prefix = "bench_" + Long.toString(Math.abs(ThreadLocalRandom.current().nextLong()), 36);
    SubjectSpace space = SubjectSpace.of(prefix);
    spec =
        StreamSpec.alchemistEvents().forDevelopment().toBuilder()
            .name(prefix.toUpperCase(Locale.ROOT))
            .subjects(space)
            .maxAge(Duration.ofMinutes(30))
            .build();
    events =
        NatsEvents.builder()
            .url(url)
            .subjects(space)
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    events.provisioner().provision(spec);
    publisher =
        events.jetStreamPublisher(
            JetStreamPublisherSettings.builder().stream(spec).maxInFlight(maxInFlight).build());
    // The same options NatsEvents uses for a URL.
    raw =
        Nats.connect(
            new Options.Builder()
                .server(url)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .dontForceFlushOnRequest()
                .build());
    rawJs = raw.jetStream();
    rawPermits = new Semaphore(maxInFlight);
    subject = space.subject("dialog", "message", "created");
    // Core publishes go outside the stream's subjects, so JetStream does not store them.
    coreSubject = SubjectSpace.of(prefix + "_core").subject("dialog", "message", "created");
    event256 = eventEncodingTo(EVENT_BYTES);
    bare256 = new byte[EVENT_BYTES];
    ThreadLocalRandom.current().nextBytes(bare256);
    Headers headers = new Headers();
    headers.put(EventHeaders.CONTENT_TYPE, EventHeaders.DOMAIN_EVENT_KRYO);
    headers.put(EventHeaders.EVENT_TYPE, coreSubject.eventType());
    sharedCoreHeaders = new Headers(headers, true);
  }

  /** An event with a JSON payload that encodes to exactly {@code size} bytes with our codec. */
  private DomainEvent eventEncodingTo(int size) {
    for (int n = 0; n < size; n++) {
      DomainEvent e =
          new DomainEvent(
              new UUID(idHigh, 0),
              "dialog",
              "message",
              "created",
              "s-1",
              now,
              "{\"text\":\"" + "x".repeat(n) + "\"}");
      if (codec.encode(e).length == size) {
        return e;
      }
    }
    throw new IllegalStateException("no payload encodes to " + size + " bytes");
  }

  @TearDown(Level.Iteration)
  public void awaitAcks() throws Exception {
    while (publisher.inFlight() > 0) {
      Thread.sleep(1);
    }
    rawPermits.acquire(maxInFlight);
    rawPermits.release(maxInFlight);
    events.flush(Duration.ofSeconds(30));
    raw.flush(Duration.ofSeconds(30));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    publisher.close();
    events.provisioner().delete(spec.name());
    events.close();
    raw.close();
  }

  private DomainEvent next() {
    return new DomainEvent(
        new UUID(idHigh, ++idLow), "dialog", "message", "created", "s-1", now, payload);
  }

  /** Ours, as the README shows it: JetStream publish with a callback on the receipt. */
  @Benchmark
  public Object jetStreamCallbackAlchemist() {
    return publisher.publish(subject, next()).thenAccept(receipt -> callbackAcks.increment());
  }

  /** Raw jnats publishAsync, same encoding, headers and bound, and the same callback work. */
  @Benchmark
  public Object jetStreamCallbackRawJnats() throws InterruptedException {
    DomainEvent e = next();
    rawPermits.acquire();
    return rawJs
        .publishAsync(subject.toString(), rawJetStreamHeaders(e), codec.encode(e))
        .whenComplete(
            (ack, error) -> {
              rawPermits.release();
              if (ack != null) {
                callbackAcks.increment();
              }
            });
  }

  /** Ours: JetStream publish with ack, bounded in flight, nothing attached to the future. */
  @Benchmark
  public Object jetStreamAlchemist() {
    return publisher.publish(subject, next());
  }

  /** Raw jnats publishAsync with the same encoding, headers and in-flight bound. */
  @Benchmark
  public Object jetStreamRawJnats() throws InterruptedException {
    DomainEvent e = next();
    rawPermits.acquire();
    return rawJs
        .publishAsync(subject.toString(), rawJetStreamHeaders(e), codec.encode(e))
        .whenComplete((ack, error) -> rawPermits.release());
  }

  /** The headers any correct application sends with a JetStream event, built the plain way. */
  private Headers rawJetStreamHeaders(DomainEvent e) {
    Headers headers = new Headers();
    headers.put(EventHeaders.CONTENT_TYPE, EventHeaders.DOMAIN_EVENT_KRYO);
    headers.put(EventHeaders.EVENT_TYPE, subject.eventType());
    headers.put(EventHeaders.MSG_ID, e.id().toString());
    headers.put(EventHeaders.EXPECTED_STREAM, spec.name());
    return headers;
  }

  /** Ours: core fire-and-forget publish. */
  @Benchmark
  public void coreAlchemist() {
    events.publish(coreSubject, next());
  }

  /** Raw jnats core publish with the same encoding and headers. */
  @Benchmark
  public void coreRawJnats() {
    DomainEvent e = next();
    Headers headers = new Headers();
    headers.put(EventHeaders.CONTENT_TYPE, EventHeaders.DOMAIN_EVENT_KRYO);
    headers.put(EventHeaders.EVENT_TYPE, coreSubject.eventType());
    raw.publish(coreSubject.toString(), headers, codec.encode(e));
  }

  /**
   * Ours: core publish of a pre-built event that encodes to {@value #EVENT_BYTES} bytes (encode,
   * headers, publish), beside raw jnats publishing pre-built bytes. Building the event is the
   * host's work and is left out on both sides; core publishes need no unique id.
   */
  @Benchmark
  public void coreEvent256Alchemist() {
    events.publish(coreSubject, event256);
  }

  /** Raw jnats core publish of {@value #EVENT_BYTES} pre-built bytes, no headers. */
  @Benchmark
  public void coreRawJnatsBareBytes256() {
    raw.publish(coreSubject.toString(), bare256);
  }

  /**
   * Raw jnats core publish of {@value #EVENT_BYTES} pre-built bytes with our two headers in one
   * shared read-only instance, as our core publish sends them: the step between bare bytes and
   * {@link #coreEvent256Alchemist}, so the gap splits into what the headers cost in jnats and what
   * encoding costs.
   */
  @Benchmark
  public void coreRawJnatsHeaders256() {
    raw.publish(coreSubject.toString(), sharedCoreHeaders, bare256);
  }
}
