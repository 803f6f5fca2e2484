// A TCP proxy between the browser and the server, so a test can cut the network under a live stream.
import { createServer, connect, type Socket } from "node:net";

export async function startProxy(target: string) {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let refusing = false;
  let resets = 0;
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    open.add(client);
    open.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    get resets() {
      return resets;
    },
    /** Resets every open connection and refuses new ones. */
    cut() {
      refusing = true;
      for (const s of open) {
        s.resetAndDestroy();
        resets += 1;
      }
      open.clear();
    },
    restore() {
      refusing = false;
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const s of open) s.destroy();
        server.close(() => ok());
      }),
  };
}
