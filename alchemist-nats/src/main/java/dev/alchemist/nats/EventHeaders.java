package dev.alchemist.nats;

/**
 * The NATS headers every published event carries, so that consumers in other languages can read
 * them.
 *
 * <p>Constants only.
 */
public final class EventHeaders {
  /** Header with the payload encoding, always {@value #DOMAIN_EVENT_KRYO}. */
  public static final String CONTENT_TYPE = "Content-Type";

  /** The content type of a {@code DomainEvent} encoded by the core Kryo codec. */
  public static final String DOMAIN_EVENT_KRYO = "application/vnd.alchemist.domain-event+kryo";

  /**
   * Header with {@code {domain}.{entity}.{type}} of the event, e.g. {@code dialog.message.created}.
   */
  public static final String EVENT_TYPE = "Alchemist-Event-Type";

  /** Header with the trace id the publisher passed, if any. */
  public static final String TRACE_ID = "Alchemist-Trace-Id";

  /** JetStream's de-duplication header; set to the event id, so a retry is stored once. */
  public static final String MSG_ID = "Nats-Msg-Id";

  /** JetStream's guard that the message lands in the expected stream. */
  public static final String EXPECTED_STREAM = "Nats-Expected-Stream";

  /** Set on dead-lettered messages: the subject the message was first published to. */
  public static final String ORIGINAL_SUBJECT = "Alchemist-Original-Subject";

  /** Set on dead-lettered messages: how often delivery was attempted. */
  public static final String DELIVERIES = "Alchemist-Deliveries";

  /** Set on dead-lettered messages: the last handler failure (class and message, truncated). */
  public static final String LAST_ERROR = "Alchemist-Last-Error";

  private EventHeaders() {}
}
