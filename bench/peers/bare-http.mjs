// The ceiling: bare Node http answering a fixed 200-byte JSON body.
import { createServer } from 'node:http';

const body = JSON.stringify({ access_token: 'x'.repeat(120), token_type: 'Bearer', expires_in: 3600, scope: 'read' }).padEnd(200, ' ');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
