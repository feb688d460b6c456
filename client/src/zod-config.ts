import { z } from 'zod';

// The page's CSP forbids eval; without this, zod probes for it (new Function) the first time a
// schema parses, and the browser logs a CSP violation. Imported first, before any schema is made.
z.config({ jitless: true });
