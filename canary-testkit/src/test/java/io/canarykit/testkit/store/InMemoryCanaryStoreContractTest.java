package io.canarykit.testkit.store;

import io.canarykit.store.CanaryStore;
import io.canarykit.store.InMemoryCanaryStore;

/** The in-memory store passes the contract (it lives here because core cannot depend on the testkit). */
class InMemoryCanaryStoreContractTest extends CanaryStoreContract {
    @Override
    protected CanaryStore newStore() {
        return InMemoryCanaryStore.create();
    }
}
