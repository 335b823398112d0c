/// <reference types="vitest/config" />
// Builds the builder into dist/, which `atlas serve --builder-dir` serves at `/`.
// `npm run dev` proxies the API to a running `atlas serve` (ATLAS_URL).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: { '/api': process.env.ATLAS_URL ?? 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
