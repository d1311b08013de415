// tests/lib/slow-clients.mjs: many slow clients against a server, for the
// overload test (tests/cli/server-overload.sh).
//
//   node slow-clients.mjs PORT MODE COUNT ADDRESSES SECONDS
//
// Opens COUNT connections from each of ADDRESSES loopback source addresses
// (127.0.0.2, 127.0.0.3, ...) to 127.0.0.1:PORT and keeps them busy for
// SECONDS, sending a little every 400 ms:
//   headers  a request line, then one header line at a time, never ending
//            the headers (slowloris);
//   body     a whole POST head with Content-Length 1000000, then the body a
//            byte at a time.
// Prints one line of JSON: attempted, connected, closed_early (closed or
// refused by the server before the end), held (still open at the end).
import net from 'node:net';

const [port, mode, count, addresses, seconds] = process.argv.slice(2);
const sockets = [];
const stats = { attempted: 0, connected: 0, closed_early: 0, held: 0 };
let ending = false;

function head() {
	if (mode === 'body')
		return 'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
			'Content-Length: 1000000\r\n\r\n{';
	return 'GET /health HTTP/1.1\r\nHost: x\r\n';
}

function open(address) {
	const s = net.connect({ host: '127.0.0.1', port: Number(port), localAddress: address });
	let gone = false;
	stats.attempted++;
	s.on('connect', () => {
		stats.connected++;
		s.write(head());
	});
	s.on('data', () => {});
	s.on('error', () => {});
	s.on('close', () => {
		if (!gone && !ending)
			stats.closed_early++;
		gone = true;
	});
	s.isGone = () => gone;
	sockets.push(s);
}

for (let a = 0; a < Number(addresses); a++)
	for (let i = 0; i < Number(count); i++)
		open(`127.0.0.${2 + a}`);

const tick = setInterval(() => {
	for (const s of sockets)
		if (!s.isGone() && s.writable)
			s.write(mode === 'body' ? 'a' : 'X-Slow: 1\r\n');
}, 400);

setTimeout(() => {
	ending = true;
	clearInterval(tick);
	stats.held = sockets.filter((s) => !s.isGone()).length;
	for (const s of sockets)
		s.destroy();
	console.log(JSON.stringify(stats));
}, Number(seconds) * 1000);
