// Worker entry for the policy checker (plain JS: it runs before any TypeScript loader exists).
// Registers tsx's ESM loader in this worker thread, then starts the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
