/** Two-level TTL cache manager over Redis (Lettuce) and an embedded local store. Not built yet. */
@NullMarked
package dev.alchemist.cache;

import org.jspecify.annotations.NullMarked;
