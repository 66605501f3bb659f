import { describeApi } from './api-cases.js';
import { sqliteStore } from './stores.js';

describeApi('SQLite', sqliteStore);
