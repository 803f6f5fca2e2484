import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The console is served by the InfraGrpc server from web/dist (copied next to the server as console/).
// `npm run dev` proxies gRPC-Web to a server on :8080 (INFRAGRPC_HTTP overrides).
const server = process.env.INFRAGRPC_HTTP ?? "http://localhost:8080";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 400,
  },
  server: { proxy: { "^/infragrpc\\.v1\\.": { target: server, changeOrigin: true } } },
});
