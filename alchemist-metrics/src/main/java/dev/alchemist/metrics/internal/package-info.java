/**
 * Implementation of {@code dev.alchemist.metrics}. Not a supported API: anything here may change
 * without notice.
 */
@NullMarked
package dev.alchemist.metrics.internal;

import org.jspecify.annotations.NullMarked;
