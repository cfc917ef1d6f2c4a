import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The Tauri debug binary embeds ui/dist at compile time (tauri.conf.json: frontendDist), so
// `npm run build` must run before `cargo build`.
export default defineConfig({
  plugins: [react()],
  // Keep the dev server predictable if someone points a devUrl at it later.
  server: { port: 5173, strictPort: true },
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK supports native modulepreload; the polyfill is not needed.
    modulePreload: { polyfill: false },
    target: "es2022",
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
