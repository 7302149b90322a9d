/**
 * The HTTP load generator of the back-office bench (test/bench/backoffice.ts), in its own process
 * so its work never runs on the server's event loop: autocannon cycling through the given
 * requests (each with its own session cookie), either a fixed number of them or at a fixed rate
 * until told to stop (SIGTERM or end of stdin). Prints one JSON line: autocannon's summary and the
 * client-side latency of every response, for an exact p95.
 *
 *   node --import tsx test/bench/http-load.ts '{"url":"http://127.0.0.1:3000","requests":[...],...}'
 */
import autocannon from "autocannon";

export interface LoadArgs {
  url: string;
  requests: { path: string; cookie: string }[];
  connections: number;
  /** Stop after this many responses. */
  amount?: number;
  /** Requests per second over all connections (autocannon's overallRate); runs until stopped. */
  overallRate?: number;
}

export interface LoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  requestsPerSecond: number;
  /** autocannon's own percentiles (it reports p90, p97.5, p99, not p95), ms. */
  autocannon: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  /** Every response's client-side latency, ms, in arrival order. */
  latenciesMs: number[];
}

const args = JSON.parse(process.argv[2] ?? "{}") as LoadArgs;
const latenciesMs: number[] = [];
const instance = autocannon({
  url: args.url,
  connections: args.connections,
  ...(args.amount ? { amount: args.amount } : { duration: 3600 }),
  ...(args.overallRate ? { overallRate: args.overallRate } : {}),
  requests: args.requests.map((r) => ({ method: "GET", path: r.path, headers: { cookie: r.cookie } })),
});
instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
  latenciesMs.push(responseTimeMs);
});
const stop = () => instance.stop();
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
instance.then(
  (result) => {
    const out: LoadResult = {
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      requestsPerSecond: result.requests.average,
      autocannon: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p97_5: result.latency.p97_5,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      latenciesMs,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`http-load: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
