import { cachedFor } from '../../platform/metrics/cachedFor';

describe('cachedFor (figures read when scraped)', () => {
  afterEach(() => jest.useRealTimers());

  it('asks once for every scrape within the period, including those that arrive while it loads, then again after it', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    let loads = 0;
    const read = cachedFor(5_000, async () => ++loads);
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    jest.setSystemTime(1_004_999);
    expect(await read()).toBe(1);
    jest.setSystemTime(1_005_000);
    expect(await read()).toBe(2);
    expect(loads).toBe(2);
  });

  it('keeps no failure: the next scrape asks again', async () => {
    let loads = 0;
    const read = cachedFor(60_000, async () => {
      loads += 1;
      if (loads === 1) throw new Error('PostgreSQL is not answering');
      return 'figures';
    });
    await expect(read()).rejects.toThrow('PostgreSQL is not answering');
    expect(await read()).toBe('figures');
    expect(await read()).toBe('figures');
    expect(loads).toBe(2);
  });
});
