/**
 * Implementation of the starter: property checks, health indicators and the ordered shutdown. Not a
 * supported API: it may change in any release.
 */
@NullMarked
package dev.alchemist.boot.internal;

import org.jspecify.annotations.NullMarked;
