/**
 * A tiny HTTP proxy on 127.0.0.1 for the download tests: it answers CONNECT (the tunnel undici's ProxyAgent opens,
 * for http:// and https:// targets alike) and absolute-form requests (`GET http://host/path`), counts them, and
 * connects every tunnel to `upstream` — a local server — whatever host was asked for, so a test can download
 * `http://reprlab-mirror.test/...` only through the proxy (that name resolves nowhere). It never reaches past the
 * loopback interface. `refuse: 407` answers every request with that status instead (a proxy wanting credentials).
 */
import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface TestProxy {
  url: string;
  /** Requests seen, in order: `CONNECT host:port` or `GET http://host/path`. */
  seen: string[];
  close(): Promise<void>;
}

export async function startProxy(upstream: { host: '127.0.0.1'; port: number }, o: { refuse?: number } = {}): Promise<TestProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (o.refuse) {
      res.writeHead(o.refuse, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const target = new URL(req.url ?? '/');
    const up = request({ host: upstream.host, port: upstream.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    if (o.refuse) {
      client.end(`HTTP/1.1 ${o.refuse} Refused\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const up = connect(upstream.port, upstream.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
