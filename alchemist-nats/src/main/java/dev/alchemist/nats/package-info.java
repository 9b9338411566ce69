/**
 * Typed NATS subjects, JetStream publishers, stream provisioning and an in-process bus. Not built
 * yet.
 */
@NullMarked
package dev.alchemist.nats;

import org.jspecify.annotations.NullMarked;
