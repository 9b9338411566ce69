/**
 * Implementation of {@link dev.alchemist.store}. <b>Unsupported:</b> nothing in this package is
 * API; it may change or disappear in any release. Use {@link
 * dev.alchemist.store.AlchemistDatabase#builder()} instead.
 */
@NullMarked
package dev.alchemist.store.internal;

import org.jspecify.annotations.NullMarked;
