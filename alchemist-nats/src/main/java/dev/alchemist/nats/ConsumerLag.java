package dev.alchemist.nats;

/**
 * How far a consumer is behind, as last read from the server.
 *
 * @param pending messages in the stream the consumer has not been delivered yet
 * @param ackPending messages delivered but not yet acknowledged
 */
public record ConsumerLag(long pending, long ackPending) {}
