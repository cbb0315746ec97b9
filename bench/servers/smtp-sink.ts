// A loopback SMTP sink for the mail benchmark: accepts everything, counts, keeps nothing.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let accepted = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      accepted += 1;
      callback(null, `OK: queued as B${accepted}`);
    });
  },
});
server.on('error', () => undefined);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.server.address() as AddressInfo).port}\n`);
});
process.on('message', () => process.send?.({ accepted }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
