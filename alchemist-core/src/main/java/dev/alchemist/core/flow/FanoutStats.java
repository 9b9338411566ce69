package dev.alchemist.core.flow;

/**
 * A snapshot of a {@link FrameFanout}'s counters, summed over every connection it has had.
 *
 * @param connections connections open now
 * @param published calls to {@link FrameFanout#publish}
 * @param sent frames handed to sinks
 * @param skipped frames a connection never received because a later one replaced them
 * @param dropped connections dropped because a send failed or stalled
 */
public record FanoutStats(int connections, long published, long sent, long skipped, long dropped) {}
