/**
 * The language a person wrote in, to put it first in a bilingual reply.
 * Only the three languages the posts answer in; a cheap count, not a model.
 * Pure.
 */
import type { Language } from './types.js';

const HAN = /\p{Script=Han}/gu;
const SPANISH = 'el|la|los|las|de|del|que|por|para|con|una|mi|su|caso|cita|gracias|estimados?|buenos|buenas|hola|quisiera|solicito|señores|usted|ustedes|atentamente|saludos|esta|está|pero|como|cómo|cuándo';
const ENGLISH = 'the|and|of|to|my|is|for|with|your|you|please|thank|thanks|dear|regards|would|could|case|interview|appointment|hello|was|have|has';
/** Both word lists in one scan (group 1: Spanish, group 2: English); no `u` flag, which would only slow it down. */
const COMMON_WORDS = new RegExp(`\\b(?:(${SPANISH})|(${ENGLISH}))\\b`, 'gi');

export function detectLanguage(text: string): Language {
  const sample = text.slice(0, 4000);
  const han = sample.match(HAN)?.length ?? 0;
  if (han >= 4) return 'zh';
  let es = 0;
  let en = 0;
  for (const m of sample.matchAll(COMMON_WORDS)) {
    if (m[1] !== undefined) es++;
    else en++;
  }
  return es > en ? 'es' : 'en';
}

/** The post's languages, the sender's first when the post answers in it. */
export function replyLanguages(detected: Language, postLanguages: readonly Language[]): Language[] {
  return postLanguages.includes(detected) ? [detected, ...postLanguages.filter((l) => l !== detected)] : [...postLanguages];
}
