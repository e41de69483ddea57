// The load test's clients: keep-alive HTTP/1.1 connections on plain sockets, each sending a login,
// waiting for the whole answer and sending the next one at once (closed loop) or at most `rate` per
// second. Requests are prepared bytes; an answer is read only as far as its status and its body's
// length. Why not autocannon: it took 15-20% of a core at 420 logins/s, on the same 2 cores as the
// server it measures, and its own event loop added 6-10 ms to what the clients saw.
import net from 'node:net';

/**
 * Runs `connections` clients against 127.0.0.1:`port` for `durationS` seconds. `next()` gives each
 * request: { bytes, expect }. A login not answered within `timeoutS` makes its client give up: the
 * connection is closed (as a load balancer's timeout does) and a new one opened. `onAnswer(status,
 * ms, expect, at)` is called for every complete answer (`at`: ms since the start). At the end every
 * connection is closed, what is in flight dropped (those clients are gone too); resolves then with
 * { errors, timeouts }.
 */
export function drive({ port, connections, rate, timeoutS, durationS, next }, onAnswer) {
  const startedAt = performance.now();
  let stopped = false;
  const gapMs = rate ? 1000 / rate : 0;
  const counts = { errors: 0, timeouts: 0 };
  const clients = [];
  const closers = [];
  for (let i = 0; i < connections; i++) clients.push(client(i));
  const end = setTimeout(() => {
    stopped = true;
    closers.forEach((close) => close());
  }, durationS * 1000);
  return Promise.all(clients).then(() => {
    clearTimeout(end);
    return counts;
  });

  function client(i) {
    return new Promise((done) => {
      let socket, request, sentAt, lastSendAt = -Infinity, timer, buffered = null;
      let starting;
      const finish = () => {
        clearTimeout(starting);
        clearTimeout(timer);
        request = undefined;
        socket?.destroy();
        done();
      };
      closers.push(finish);
      const connect = () => {
        if (stopped) return finish();
        buffered = null;
        socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
        socket.on('connect', schedule);
        socket.on('data', onData);
        socket.on('error', () => {}); // counted on close
        socket.on('close', (hadError) => {
          if (hadError) counts.errors++; // refused, reset: the login in flight, if any, is lost
          request = undefined;
          clearTimeout(timer);
          if (!stopped) setTimeout(connect, hadError ? 10 : 0);
          else done();
        });
      };
      // The next login: at once in a closed loop, else no sooner than 1/rate s after the last one.
      const schedule = () => {
        const wait = Math.max(0, lastSendAt + gapMs - performance.now());
        clearTimeout(timer);
        timer = setTimeout(send, wait);
      };
      const send = () => {
        if (stopped) return finish();
        request = next();
        sentAt = lastSendAt = performance.now();
        socket.write(request.bytes);
        timer = setTimeout(() => {
          counts.timeouts++;
          request = undefined;
          socket.destroy(); // gives up; 'close' opens a new connection
        }, timeoutS * 1000);
      };
      const onData = (chunk) => {
        buffered = buffered ? Buffer.concat([buffered, chunk]) : chunk;
        const headerEnd = buffered.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const head = buffered.toString('latin1', 0, headerEnd);
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < headerEnd + 4 + length) return;
        const status = Number(head.slice(9, 12));
        const expect = request?.expect;
        const ms = performance.now() - sentAt;
        buffered = buffered.length > headerEnd + 4 + length ? buffered.subarray(headerEnd + 4 + length) : null;
        clearTimeout(timer);
        if (request === undefined) return; // answered after the client gave up
        request = undefined;
        onAnswer(status, ms, expect, performance.now() - startedAt);
        if (/\r\nconnection:\s*close/i.test(head)) return socket.destroy();
        schedule();
      };
      // Clients of a rate-limited stage start spread over one interval, as independent clients do.
      starting = setTimeout(connect, (i * gapMs) / connections);
    });
  }
}

/** A POST of `body` (an object) to `path` as bytes. */
export function requestBytes(path, body) {
  const json = Buffer.from(JSON.stringify(body));
  return Buffer.concat([
    Buffer.from(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n`),
    json,
  ]);
}
