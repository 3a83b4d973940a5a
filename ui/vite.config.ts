import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  // Relative asset paths: the same build loads from the Tauri window and from `backroom serve`.
  base: "./",
  build: { outDir: "dist", emptyOutDir: true },
  // `npm run dev` against a running `backroom serve --addr 127.0.0.1:7878`.
  server: { proxy: { "/api": "http://127.0.0.1:7878" } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
