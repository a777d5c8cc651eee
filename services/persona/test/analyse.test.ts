import { describe, expect, it } from 'vitest';
import { analyse, keywords, readingEase, sentiment, syllables, words } from '../src/analyse.js';

describe('analyse', () => {
  it.each([['cat', 1], ['table', 2], ['running', 2], ['beautiful', 3], ['a', 1], ['created', 2]])('syllables(%s) = %i', (w, n) => {
    expect(syllables(w)).toBe(n);
  });

  it('sentiment is the mean lexicon weight scaled to -1..1, 0 without sentiment words', () => {
    expect(sentiment(words('I love hiking and I am happy'))).toBeCloseTo((3 + 2) / 2 / 3);
    expect(sentiment(words('terrible awful worst'))).toBe(-1);
    expect(sentiment(words('the table is wooden'))).toBe(0);
  });

  it('keywords are frequent content words, stopwords and short words dropped, ties by first appearance', () => {
    expect(keywords(words('Climbing, climbing and more climbing. Coffee and code; code at night.'), 3)).toEqual(['climbing', 'code', 'more']);
  });

  it('reading ease follows Flesch: short plain sentences score high, long polysyllabic ones low', () => {
    const easy = 'I like cats. Cats are fun. I pet them.';
    const hard = 'Interdisciplinary methodological considerations necessitate comprehensive institutional reorganization.';
    expect(readingEase(easy, words(easy))).toBeGreaterThan(90);
    expect(readingEase(hard, words(hard))).toBeLessThan(0);
    expect(readingEase('', [])).toBe(0);
  });

  it('analyse puts it together', () => {
    expect(analyse('A curious engineer who loves distributed systems. Loves coffee too!')).toEqual({
      wordCount: 10, sentiment: 0.778, keywords: ['loves', 'curious', 'engineer', 'who', 'distributed'], readingEase: expect.any(Number),
    });
  });
});
