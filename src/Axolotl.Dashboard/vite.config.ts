import { defineConfig } from "vite";

// The dashboard is served by the API server under /ui from resources embedded in the binary, with a
// Content-Security-Policy that allows scripts and styles from 'self' only: no inline script, no eval.
export default defineConfig({
  base: "/ui/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    target: "es2022",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
