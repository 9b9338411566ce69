/**
 * Helpers the Alchemist modules share. <b>Unsupported:</b> nothing in this package is API; it may
 * change or disappear in any release.
 */
@NullMarked
package dev.alchemist.core.internal;

import org.jspecify.annotations.NullMarked;
