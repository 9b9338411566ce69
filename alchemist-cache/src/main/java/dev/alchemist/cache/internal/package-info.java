/**
 * Implementation of {@link dev.alchemist.cache}. Not a supported API: anything here may change
 * without notice.
 */
@NullMarked
package dev.alchemist.cache.internal;

import org.jspecify.annotations.NullMarked;
