package dev.alchemist.core.flow;

import dev.alchemist.core.flow.internal.DefaultFrameFanout;
import java.util.Objects;

/**
 * One source of frames, many connections: each connection receives the latest frame of its topic at
 * its own pace and at most once per {@linkplain FanoutSettings#interval() interval} (60 frames/s by
 * default, on average: a held-back frame whose timer ran late counts from when it was due, up to
 * half an interval, so a busy machine's timer lateness does not lower the rate). This is the server
 * half of a live dashboard served to many browsers.
 *
 * <ul>
 *   <li><b>Latest wins, per connection.</b> A frame published while a connection's previous send is
 *       outstanding, or within its interval, replaces the frame it holds; a slow or stalled
 *       connection receives fewer frames and holds at most one, never a growing queue. Other
 *       connections are not slowed.
 *   <li><b>Bounded.</b> A send outstanding longer than the {@linkplain
 *       FanoutSettings#stallTimeout() stall timeout} drops the connection ({@link FrameSink#closed}
 *       with {@link FrameSink.CloseReason#STALLED}); at most {@linkplain
 *       FanoutSettings#maxConnections() maxConnections} are held.
 *   <li><b>Topics.</b> A connection receives one topic (a domain, or {@code "all"} for a frame the
 *       host aggregates); a new connection receives the topic's latest frame at once.
 * </ul>
 *
 * <p>Sends run on the thread that triggers them: the publisher's, the timer's, or the thread that
 * completes the previous send. {@link FrameSink#send} must therefore not block; it is never called
 * concurrently with itself for one connection. Thread-safe: publish and connect from any thread.
 *
 * <pre>{@code
 * FrameFanout<String> dashboard = FrameFanout.create(FanoutSettings.builder().name("dashboard").build());
 * FanoutConnection c = dashboard.connect("all", json -> socket.send(json)); // per WebSocket
 * dashboard.publish("all", renderJson(stats));                              // from the model
 * }</pre>
 *
 * @param <F> the frame type: immutable, shared by every connection
 */
public interface FrameFanout<F> extends AutoCloseable {

  /** A fan-out with {@code settings}. */
  static <F> FrameFanout<F> create(FanoutSettings settings) {
    return new DefaultFrameFanout<>(Objects.requireNonNull(settings, "settings"));
  }

  /**
   * Makes {@code frame} the latest of {@code topic} and offers it to every connection of the topic.
   * Does not block (beyond the sinks' own non-blocking sends).
   *
   * @throws IllegalStateException if the fan-out is closed
   */
  void publish(String topic, F frame);

  /**
   * Connects {@code sink} to {@code topic}; if the topic has a frame, the sink receives it at once.
   *
   * @throws IllegalStateException if the fan-out is closed or holds {@code maxConnections}
   */
  FanoutConnection connect(String topic, FrameSink<? super F> sink);

  /** A snapshot of the counters. */
  FanoutStats stats();

  /** The settings. */
  FanoutSettings settings();

  /**
   * Sends each connection the frame it holds when no send is outstanding, then drops every
   * connection ({@link FrameSink.CloseReason#FANOUT_CLOSED}); later calls to publish and connect
   * throw. Idempotent; does not shut down the scheduler.
   */
  @Override
  void close();
}
