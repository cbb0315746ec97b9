const grouping = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 0 });

/** `¥1,234,567`: integer yen with ja-JP grouping and the half-width yen sign. */
export function formatYen(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  return `${sign}¥${grouping.format(Math.abs(amount))}`;
}

export function formatCount(count: number): string {
  return grouping.format(count);
}
