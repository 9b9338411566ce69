/**
 * Implementation of {@link dev.alchemist.core.flow}. <b>Unsupported:</b> nothing in this package is
 * API; it may change or disappear in any release. Use the factories in {@code
 * dev.alchemist.core.flow} instead.
 */
@NullMarked
package dev.alchemist.core.flow.internal;

import org.jspecify.annotations.NullMarked;
