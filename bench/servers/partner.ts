// The loopback partner API with N records, for the sync-source benchmark: prints its URL when ready.
import { startPartnerApi } from '../../src/local/partner-api.js';
import { benchRecord } from '../sync-records.js';

const count = Number(process.argv[2] ?? 100_000);
const partner = await startPartnerApi();
for (let i = 1; i <= count; i++) partner.put(benchRecord(i));
process.stdout.write(`listening ${partner.url}\n`);
process.on('SIGTERM', () => void partner.close().then(() => process.exit(0)));
