package dev.alchemist.store.internal;

import dev.alchemist.store.DialogRepository;
import dev.alchemist.store.EventRepository;
import dev.alchemist.store.MessageRepository;
import dev.alchemist.store.Outbox;
import dev.alchemist.store.Transaction;

/** The database's own repositories, which join the transaction open on the calling thread. */
record RepositoriesInTransaction(
    DialogRepository dialogs, MessageRepository messages, EventRepository events, Outbox outbox)
    implements Transaction {}
