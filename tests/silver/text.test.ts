import test from 'ava';
import fc from 'fast-check';
import { cleanText, repairMojibake, truncateCodePoints } from '#shared/silver/text-repair.ts';

/** What a UTF-8 → Windows-1252 misreading does to text (the inverse of the repair). */
const CP1252 = new TextDecoder('windows-1252');
const mojibake = (text: string) => CP1252.decode(new TextEncoder().encode(text));

test('repairs UTF-8 read as Latin-1 or Windows-1252', (t) => {
  t.is(repairMojibake('EspaÃ±a'), 'España');
  t.is(repairMojibake('CamiÃ³n de juguete Â¡nuevo!'), 'Camión de juguete ¡nuevo!');
  t.is(repairMojibake('â€œperfectoâ€\u009d'), '“perfecto”');
  t.is(repairMojibake('Precio 20â‚¬ â€“ envÃ­o'), 'Precio 20€ – envío');
  t.is(repairMojibake('Nuevo ðŸ˜€'), 'Nuevo 😀');
  t.is(repairMojibake(mojibake('Ñandú, pingüino, ¿qué?')), 'Ñandú, pingüino, ¿qué?');
});

test('repairs text that was misread twice', (t) => {
  t.is(repairMojibake(mojibake(mojibake('año'))), 'año');
});

test('leaves correct and ambiguous text alone', (t) => {
  for (const text of ['España', 'BEBÉ…', 'SÃO PAULO', 'Ø 25 mm', 'Pokémon™', 'Â', 'ÃÃÃ', 'café “especial”', '', 'plain ascii', '😀 emoji']) {
    t.is(repairMojibake(text), text, text);
  }
});

test('truncation counts code points and never splits a surrogate pair', (t) => {
  t.is(truncateCodePoints('😀😀😀', 2), '😀😀');
  t.is(truncateCodePoints('abc', 5), 'abc');
  t.is(truncateCodePoints('a\ud800b', 2), 'a\ud800');
  const clean = cleanText('ReparaciÃ³n '.repeat(10), 20);
  t.true(clean.repaired);
  t.true(clean.truncated);
  t.is([...clean.text].length, 20);
});

test('property: repair never throws and never lengthens text', (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      const repaired = repairMojibake(text);
      return repaired.length <= text.length;
    }),
  );
  fc.assert(
    fc.property(fc.string({ unit: fc.integer({ min: 0x80, max: 0x2200 }).map((code) => String.fromCharCode(code)), maxLength: 60 }), (text) => {
      return repairMojibake(text).length <= text.length;
    }),
  );
  t.pass();
});

test('property: Spanish text survives a Windows-1252 misreading and the repair', (t) => {
  const alphabet = [...'abcdeñoáéíóúüÁÉÍÓÚÑÜ¿¡€ 0123456789.,;:!?"\'-'];
  const emoji = ['😀', '📷', '🚲', '⭐', '✔'];
  const char = fc.oneof(fc.constantFrom(...alphabet), fc.constantFrom(...emoji));
  fc.assert(
    fc.property(fc.array(char, { maxLength: 60 }).map((chars) => chars.join('')), (text) => {
      return repairMojibake(mojibake(text)) === text && repairMojibake(text) === text;
    }),
  );
  t.pass();
});
