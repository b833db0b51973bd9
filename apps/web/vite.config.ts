import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * `pnpm dev` runs this dev server (WEB_DEV_PORT, default 5173) with the API behind it: every
 * request that is not a console file goes to the API on API_URL (default http://127.0.0.1:PORT).
 */
const api = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const apiPaths = [
  '/upload',
  '/uploads',
  '/mv',
  '/inbound',
  '/dashboard',
  '/targets',
  '/sales',
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/docs',
];

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    strictPort: true,
    proxy: Object.fromEntries(apiPaths.map((p) => [p, { target: api, changeOrigin: false }])),
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022', chunkSizeWarningLimit: 700 }, // the lazy ECharts chunk is ~550 KB raw
});
