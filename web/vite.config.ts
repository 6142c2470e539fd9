import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Where `vite dev` forwards /api (the Gridwork server). */
const apiTarget = process.env.GRIDWORK_API_URL || 'http://localhost:3000';

/**
 * Multi-page build:
 *   /      → index.html     (desktop console, src/console)
 *   /m/    → m/index.html   (mobile H5 app, src/mobile, antd-mobile)
 * Shared code (API client, i18n, geo helpers) lives in src/shared.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  resolve: {
    // The repo root hoists an older React for other packages; make sure antd & co. use ours.
    dedupe: ['react', 'react-dom', 'react-router', 'react-router-dom'],
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: {
        console: here('index.html'),
        mobile: here('m/index.html'),
      },
      output: {
        codeSplitting: {
          groups: [
            // Long-lived vendor chunks shared by every page. Helpers antd-mobile shares with antd get
            // their own chunk, so the phone app does not download the desktop console's antd.
            { name: 'vendor-react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/, priority: 3 },
            { name: 'vendor-helpers', test: /node_modules[\\/](@babel[\\/]runtime|clsx|classnames|rc-util|@rc-component[\\/]util)[\\/]/, minShareCount: 2, priority: 2 },
            { name: 'vendor-antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+)[\\/]/, minShareCount: 2, priority: 1 },
          ],
        },
      },
    },
  },
});
