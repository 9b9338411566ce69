/**
 * Typed NATS subjects ({@link dev.alchemist.nats.Subject}, {@link
 * dev.alchemist.nats.SubjectPattern}), the {@link dev.alchemist.nats.EventBus} with its NATS-backed
 * ({@link dev.alchemist.nats.NatsEvents}) and in-process ({@link
 * dev.alchemist.nats.InProcessEventBus}) implementations, a bounded JetStream publisher, idempotent
 * stream provisioning and durable pull consumers with lag metrics.
 */
@NullMarked
package dev.alchemist.nats;

import org.jspecify.annotations.NullMarked;
