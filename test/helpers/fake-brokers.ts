// Servers that misbehave the way real networks do, for the "never a hang" tests: one that accepts TCP connections
// and never says a word (a wrong port, a proxy, a TLS listener spoken to in plaintext), and one that answers the
// first contact (ApiVersions, Metadata) like a broker and then stops answering (a broker that hangs mid-command).
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { after, before } from 'node:test';

export interface FakeBroker {
  address: string;
  port: number;
  /** Requests received, by Kafka API key (18 ApiVersions, 3 Metadata, 10 FindCoordinator, 32 DescribeConfigs, …). */
  requests: number[];
  close(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>, requests: number[]): Promise<FakeBroker> {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    port,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Accepts connections and reads everything, answering nothing. */
export function startSilentServer(): Promise<FakeBroker> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => socket.resume());
  return listen(server, sockets, []);
}

// --- a minimal Kafka wire encoder: just enough for ApiVersions v3 and Metadata v12 responses ---

const int8 = (n: number) => Buffer.from([n & 0xff]);
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
function uvarint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
const compactString = (s: string | null) => (s === null ? uvarint(0) : Buffer.concat([uvarint(Buffer.byteLength(s) + 1), Buffer.from(s)]));
const compactArray = (items: Buffer[]) => Buffer.concat([uvarint(items.length + 1), ...items]);
const noTags = uvarint(0);

/** APIs a client may look up with ApiVersions (key → highest version offered); the client picks what it implements. */
const OFFERED: [number, number][] = [
  [0, 11],
  [1, 17],
  [2, 9],
  [3, 12],
  [8, 9],
  [9, 9],
  [10, 6],
  [11, 9],
  [12, 4],
  [13, 5],
  [14, 5],
  [15, 5],
  [16, 5],
  [18, 3],
  [19, 7],
  [20, 6],
  [32, 4],
  [37, 3],
  [42, 2],
  [44, 1],
  [46, 0],
  [47, 0],
  [60, 1],
  [69, 0],
  [75, 0],
];

function apiVersionsResponse(): Buffer {
  return Buffer.concat([int16(0), compactArray(OFFERED.map(([key, max]) => Buffer.concat([int16(key), int16(0), int16(max), noTags]))), int32(0), noTags]);
}

function metadataResponse(self: { host: string; port: number }, topics: readonly string[]): Buffer {
  const broker = Buffer.concat([int32(0), compactString(self.host), int32(self.port), compactString(null), noTags]);
  const ids = (list: number[]) => compactArray(list.map(int32));
  const partition = Buffer.concat([int16(0), int32(0), int32(0), int32(0), ids([0]), ids([0]), ids([]), noTags]);
  const topic = (name: string, i: number) => Buffer.concat([int16(0), compactString(name), Buffer.alloc(15), int8(i + 1), int8(0), compactArray([partition]), int32(-2147483648), noTags]);
  return Buffer.concat([int32(0), compactArray([broker]), compactString('fake-cluster'), int32(0), compactArray(topics.map(topic)), noTags]);
}

/**
 * A broker that answers ApiVersions and Metadata — broker 0 is itself, with the given topics of one partition each —
 * and leaves every other request unanswered. `answerDelayMs` delays each answer (a slow but healthy broker).
 */
export function startHalfBroker(options: { topics?: string[]; answerDelayMs?: number } = {}): Promise<FakeBroker> {
  const sockets = new Set<Socket>();
  const requests: number[] = [];
  let port = 0;
  const server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4 && buffer.length >= 4 + buffer.readInt32BE(0)) {
        const frame = buffer.subarray(4, 4 + buffer.readInt32BE(0));
        buffer = buffer.subarray(4 + frame.length);
        const apiKey = frame.readInt16BE(0);
        const correlationId = frame.readInt32BE(4);
        requests.push(apiKey);
        let body: Buffer | undefined;
        // ApiVersions responses always use header v0 (no tagged fields); Metadata v12 uses the flexible header v1.
        if (apiKey === 18) body = Buffer.concat([int32(correlationId), apiVersionsResponse()]);
        else if (apiKey === 3) body = Buffer.concat([int32(correlationId), noTags, metadataResponse({ host: '127.0.0.1', port }, options.topics ?? ['fake-topic'])]);
        if (body === undefined) continue;
        const answer = Buffer.concat([int32(body.length), body]);
        if (options.answerDelayMs) setTimeout(() => socket.writable && socket.write(answer), options.answerDelayMs);
        else socket.write(answer);
      }
    });
  });
  return listen(server, sockets, requests).then((broker) => {
    port = broker.port;
    return broker;
  });
}

/** A silent server and a half broker (with topic "orders") for the whole test file, closed after it. */
export function useMisbehavingBrokers(): { silent: () => FakeBroker; half: () => FakeBroker } {
  let silent: FakeBroker | undefined;
  let half: FakeBroker | undefined;
  before(async () => {
    silent = await startSilentServer();
    half = await startHalfBroker({ topics: ['orders'] });
  });
  after(async () => {
    await silent?.close();
    await half?.close();
  });
  return { silent: () => silent!, half: () => half! };
}
