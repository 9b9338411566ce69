/**
 * The reference dialog server: the guide's HTTP API ({@code /api/dialogs}), the model's answer as
 * server-sent events ({@code /api/stream}) and the live dashboard over WebSocket ({@code
 * /dashboard}), on Spring WebFlux and alchemist-spring-boot-starter.
 */
@NullMarked
package dev.alchemist.examples.dialogserver;

import org.jspecify.annotations.NullMarked;
