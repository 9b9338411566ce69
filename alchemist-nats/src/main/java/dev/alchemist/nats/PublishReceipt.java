package dev.alchemist.nats;

/**
 * JetStream's acknowledgement of a stored event.
 *
 * @param stream the stream that stored it
 * @param sequence its sequence number in the stream
 * @param duplicate true if the stream already held a message with this event id (a retry of an
 *     earlier attempt that was stored); the event is stored once either way
 * @param attempts how many times it was sent (1 unless retried)
 */
public record PublishReceipt(String stream, long sequence, boolean duplicate, int attempts) {}
