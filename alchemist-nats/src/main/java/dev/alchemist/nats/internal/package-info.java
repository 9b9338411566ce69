/**
 * Implementation of {@link dev.alchemist.nats}. Not a supported API: anything here may change
 * without notice.
 */
@NullMarked
package dev.alchemist.nats.internal;

import org.jspecify.annotations.NullMarked;
