// The records the sync-source benchmark moves: one partner's customers, as its API would list them.
export const benchRecord = (i: number) => ({
  id: `cus_${String(i).padStart(8, '0')}`,
  email: `customer${i}@example.jp`,
  plan: i % 3 === 0 ? 'free' : 'paid',
  amount: i % 3 === 0 ? 0 : 980,
  updated_at: new Date(Date.UTC(2026, 11, 1, 0, 0, 0) + i * 1000).toISOString(),
});
