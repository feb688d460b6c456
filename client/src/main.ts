import './zod-config.ts';
import './app-shell.ts';
