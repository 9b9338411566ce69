package dev.alchemist.examples.dialog;

import org.jspecify.annotations.Nullable;

/**
 * Counters of a {@link DialogService}. Immutable snapshot.
 *
 * @param dialogsOpened dialogs inserted
 * @param turnsDone turns that completed (answer persisted, events published)
 * @param messagesSent messages handed to the store: two per started turn (question and answer)
 * @param messagesPersisted messages whose batch committed
 * @param eventsPublished domain events published
 * @param eventsReceived domain events that came back through the subscription
 * @param eventsAcked events JetStream acknowledged, or -1 on the in-process bus
 * @param historyLoads cache misses that loaded a history from the repository
 * @param chunks buffered chunks received from the model streams
 * @param dashboardFrames frames the debounced dashboard rendered
 * @param previewFrames per-dialog preview frames the keyed debouncer delivered
 * @param turnsInFlight turns being answered now
 * @param peakTurnsInFlight most turns answered at once
 * @param turnsRejected turns refused at once with {@link TurnRejectedException} (HTTP 429); not
 *     counted as sent, their messages never reached the store
 * @param peakStoreWaiting most user messages waiting for their commit at once (the admission bound
 *     {@link DialogOptions#maxStoreWaiting()} applies to this count)
 * @param errors failed turns, publishes and dialog opens
 * @param firstError the first failure, or null
 */
public record DialogStats(
    long dialogsOpened,
    long turnsDone,
    long messagesSent,
    long messagesPersisted,
    long eventsPublished,
    long eventsReceived,
    long eventsAcked,
    long historyLoads,
    long chunks,
    long dashboardFrames,
    long previewFrames,
    int turnsInFlight,
    int peakTurnsInFlight,
    long turnsRejected,
    int peakStoreWaiting,
    long errors,
    @Nullable String firstError) {}
