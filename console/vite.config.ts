import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is served by the broker's admin port from dist/console/, beside the compiled server.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  oxc: { jsx: { runtime: 'automatic' } },
  logLevel: 'warn',
});
