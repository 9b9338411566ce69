package dev.alchemist.store;

/**
 * The repositories inside one transaction of {@link AlchemistDatabase#inTransaction}: everything
 * done through them commits together when the callback returns, or rolls back if it throws. Use it
 * only on the thread that runs the callback, and not after it returns.
 */
public interface Transaction {

  DialogRepository dialogs();

  MessageRepository messages();

  EventRepository events();

  Outbox outbox();
}
