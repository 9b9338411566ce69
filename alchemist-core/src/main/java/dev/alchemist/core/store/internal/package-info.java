/**
 * Implementation of {@link dev.alchemist.core.store}. <b>Unsupported:</b> nothing in this package
 * is API; it may change or disappear in any release. Use {@link
 * dev.alchemist.core.store.AlchemistDatabase#builder()} instead.
 */
@NullMarked
package dev.alchemist.core.store.internal;

import org.jspecify.annotations.NullMarked;
