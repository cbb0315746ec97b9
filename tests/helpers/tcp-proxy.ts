import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Every connection cut and new ones refused, as when the server behind restarts. */
  cut(): void;
  /** New connections go through again. */
  restore(): void;
  /** How many connections each target has been given (round robin). */
  connectionsPerTarget(): number[];
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback: each new connection goes to the next target in
 * turn (a round-robin load balancer for N Banto replicas, or one database).
 */
export async function startTcpProxy(targets: readonly number[]): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const counts = targets.map(() => 0);
  let next = 0;
  let down = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    track(client);
    if (down) return void client.destroy();
    const index = next++ % targets.length;
    counts[index] = (counts[index] ?? 0) + 1;
    const upstream = connect(targets[index]!, '127.0.0.1');
    track(upstream);
    client.pipe(upstream).pipe(client);
    // A target that is gone (a killed replica) or a cut: both sides close.
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      down = false;
    },
    connectionsPerTarget: () => [...counts],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
