/** Text measures of a persona's bio: pure functions, no I/O. */

const STOPWORDS = new Set(
  ('a an and are as at be but by for from has have i in is it its of on or so that the their this to was we were with ' +
   'my me our you your he she they them his her not no do does did am been being into than then there these those too very can will just').split(' '),
);

// A small sentiment lexicon (word → weight); enough to rank bios, not to judge literature.
const LEXICON: Record<string, number> = {
  love: 3, loves: 3, enjoy: 2, enjoys: 2, happy: 2, great: 2, good: 1, kind: 2, curious: 1, passionate: 2, excellent: 3, fun: 2,
  friendly: 2, calm: 1, creative: 2, proud: 2, excited: 2, hate: -3, hates: -3, sad: -2, bad: -2, angry: -2, boring: -2,
  tired: -1, awful: -3, terrible: -3, lonely: -2, anxious: -2, difficult: -1, worst: -3, afraid: -2,
};

export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z\u00c0-\u024f']+/g)?.map((w) => w.replace(/^'+|'+$/g, '')).filter(Boolean) ?? [];
}

/** Vowel-group heuristic, at least one per word. */
export function syllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length <= 3) return 1;
  // "-ed" is silent except after t/d (creat-ed); "-e" is silent except in "-le" (ta-ble).
  const groups = w.replace(/(?:[^laeiouy]es|[^laeiouytd]ed|[^laeiouy]e)$/, '').replace(/^y/, '').match(/[aeiouy]+/g);
  return Math.max(1, groups?.length ?? 1);
}

/** Mean lexicon weight of the words, scaled into -1..1 (0 when no word carries sentiment). */
export function sentiment(ws: string[]): number {
  let sum = 0;
  let hits = 0;
  for (const w of ws) {
    const v = LEXICON[w];
    if (v !== undefined) {
      sum += v;
      hits++;
    }
  }
  return hits === 0 ? 0 : Math.max(-1, Math.min(1, sum / hits / 3));
}

/** The `n` most frequent content words; ties by first appearance. */
export function keywords(ws: string[], n = 5): string[] {
  const counts = new Map<string, number>();
  for (const w of ws) if (w.length > 2 && !STOPWORDS.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([w]) => w);
}

/** Flesch reading ease: 206.835 − 1.015·(words/sentences) − 84.6·(syllables/words). */
export function readingEase(text: string, ws: string[]): number {
  if (ws.length === 0) return 0;
  const sentences = Math.max(1, (text.match(/[.!?]+(\s|$)/g) ?? []).length);
  const syl = ws.reduce((acc, w) => acc + syllables(w), 0);
  return Math.round((206.835 - 1.015 * (ws.length / sentences) - 84.6 * (syl / ws.length)) * 10) / 10;
}

export interface Analysis {
  wordCount: number;
  sentiment: number;
  keywords: string[];
  readingEase: number;
}

export function analyse(bio: string): Analysis {
  const ws = words(bio);
  return { wordCount: ws.length, sentiment: Math.round(sentiment(ws) * 1000) / 1000, keywords: keywords(ws), readingEase: readingEase(bio, ws) };
}
