import { describeStorage } from '@docket/conformance';
import { MemoryStore } from '../src/index.js';

describeStorage('memory', { create: async () => new MemoryStore() });
