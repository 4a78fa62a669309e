import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// `npm run dev` serves the console with hot reload and forwards the server's routes to a running
// Cairn (CAIRN_URL, default http://localhost:8686), so the session cookie stays same-origin.
const server = process.env.CAIRN_URL ?? 'http://localhost:8686';
const forward = { target: server, changeOrigin: false };

export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: {
      '/api': forward,
      '/track': forward,
      '/collect': forward,
      '/customer': forward,
      '/socket.io': { ...forward, ws: true },
    },
  },
});
