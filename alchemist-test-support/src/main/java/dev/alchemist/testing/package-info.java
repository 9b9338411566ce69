/**
 * Test support shared by the integration tests of every module: addresses of the real local
 * services and launchers for private servers. Not part of the published API.
 */
@NullMarked
package dev.alchemist.testing;

import org.jspecify.annotations.NullMarked;
