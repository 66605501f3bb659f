import { describeStorage } from '@docket/conformance';
import { SqliteStore, withTransaction } from '../src/index.js';
import { tempDatabase } from './temp-db.js';

const files = new WeakMap<SqliteStore, ReturnType<typeof tempDatabase>>();

describeStorage('sqlite', {
  async create() {
    const file = tempDatabase();
    const store = new SqliteStore({ path: file.path });
    files.set(store, file);
    return store;
  },
  // A second connection on the same file, as another process would open it.
  async connect(store) {
    return new SqliteStore({ path: files.get(store)!.path });
  },
  async destroy(store) {
    files.get(store)?.remove();
  },
  // The store's own connection, in a transaction spanning awaits (see the README).
  transaction: (store, fn) => withTransaction(store.database, fn),
});
