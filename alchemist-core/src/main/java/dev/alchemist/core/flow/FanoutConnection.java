package dev.alchemist.core.flow;

/**
 * One connection of a {@link FrameFanout}, returned by {@link FrameFanout#connect}. Thread-safe.
 */
public interface FanoutConnection extends AutoCloseable {

  /** The topic this connection receives. */
  String topic();

  /** Frames handed to this connection's sink. */
  long framesSent();

  /**
   * Frames this connection never received because a later one replaced them while it was busy
   * sending or within its frame interval.
   */
  long framesSkipped();

  /** Whether the connection is still receiving frames. */
  boolean isOpen();

  /**
   * Stops sending to this connection and calls {@link FrameSink#closed} with {@link
   * FrameSink.CloseReason#CLOSED}; a frame waiting for its interval is sent first when no send is
   * outstanding. Idempotent.
   */
  @Override
  void close();
}
