import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const server = process.env.CC_DEV_SERVER ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here,
  // Absolute asset URLs: the SPA is served under /play/CODE, /teach/CODE and friends.
  base: '/',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': server,
      '/socket.io': { target: server, ws: true },
    },
  },
});
