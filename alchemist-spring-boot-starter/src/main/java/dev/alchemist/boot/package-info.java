/**
 * Spring Boot auto-configuration of the Alchemist modules: each module on the classpath is
 * configured from {@code alchemist.*} properties, on the host's {@code MeterRegistry} and {@code
 * DataSource}, with health indicators and an ordered shutdown. Every bean backs off when the host
 * defines its own of the same type.
 */
@NullMarked
package dev.alchemist.boot;

import org.jspecify.annotations.NullMarked;
