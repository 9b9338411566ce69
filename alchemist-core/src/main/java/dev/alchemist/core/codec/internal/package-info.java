/**
 * Implementation of {@link dev.alchemist.core.codec}. Not a supported API: anything here may change
 * without notice.
 */
@NullMarked
package dev.alchemist.core.codec.internal;

import org.jspecify.annotations.NullMarked;
