/**
 * The load scenario: the dialog flow of the examples module driven against the real Redis, NATS
 * JetStream and PostgreSQL, measured against the performance guide's targets.
 */
@NullMarked
package dev.alchemist.bench.load;

import org.jspecify.annotations.NullMarked;
