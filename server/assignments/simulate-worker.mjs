// A piscina thread starts as plain Node: register tsx here so it can load the TypeScript engine.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./simulate-worker.ts');
export default mod.default;
