package dev.alchemist.core.flow;

import java.util.concurrent.CompletionStage;

/**
 * One connection's side of a {@link FrameFanout}: a WebSocket session, an SSE response, a test
 * recorder. The fan-out calls {@link #send} for one frame at a time and waits for its stage before
 * it sends the next, so a connection that reads slowly is sent fewer frames, never a queue.
 *
 * @param <F> the frame type
 */
public interface FrameSink<F> {

  /**
   * Hands {@code frame} to the transport without blocking (for example a WebFlux {@code
   * session.send(...)} subscribed, or Netty's {@code writeAndFlush}). The stage completes when the
   * transport has taken the frame; it fails, or this method throws, if the connection is gone, and
   * the fan-out then drops the connection and calls {@link #closed}. Never called concurrently with
   * itself for one connection.
   */
  CompletionStage<?> send(F frame);

  /**
   * Called once when the fan-out drops this connection: {@link FanoutConnection#close()}, a failed
   * send, a send outstanding longer than {@link FanoutSettings#stallTimeout()}, or the fan-out's
   * close. Close the socket here. Default: nothing.
   */
  default void closed(CloseReason reason) {}

  /** Why a connection was dropped. */
  enum CloseReason {
    /** {@link FanoutConnection#close()} was called. */
    CLOSED,
    /** A send failed or threw. */
    SEND_FAILED,
    /** A send was outstanding longer than the stall timeout: the reader stopped reading. */
    STALLED,
    /** The fan-out was closed. */
    FANOUT_CLOSED
  }
}
