import type { Random } from './random.ts';

/**
 * A tiny template language for titles and descriptions, so the catalogue stays readable data:
 * `iPhone 13 {128|256|512}GB {@colour}{| con caja}` picks one alternative per `{…}` (an empty
 * alternative makes a part optional), groups nest, and `{@name}` expands a shared word list.
 */

type Part = string | Part[][];

export interface Template {
  readonly source: string;
  readonly parts: Part[];
}

export const VOCABULARY: Readonly<Record<string, readonly string[]>> = {
  colour: ['negro', 'blanco', 'gris', 'azul', 'rojo', 'verde', 'rosa', 'beige', 'marrón', 'amarillo', 'morado'],
  colourF: ['negra', 'blanca', 'gris', 'azul', 'roja', 'verde', 'rosa', 'beige', 'marrón', 'amarilla', 'morada'],
  size: ['XS', 'S', 'M', 'L', 'XL', 'XXL'],
  shoe: ['36', '37', '38', '39', '40', '41', '42', '43', '44', '45', '46'],
  year: ['2010', '2012', '2013', '2014', '2015', '2016', '2017', '2018', '2019', '2020', '2021', '2022', '2023'],
  phoneExtra: ['', '', '', ' libre', ' como nuevo', ' con caja', ' batería 89%', ' batería 100%', ' impecable', ' + funda'],
  condition: ['', '', '', ' nuevo', ' como nuevo', ' seminuevo', ' poco uso', ' a estrenar', ' en buen estado'],
  fashionBrand: ['Zara', 'Mango', 'H&M', 'Stradivarius', 'Bershka', 'Pull&Bear', 'Massimo Dutti', 'Desigual', 'Shein', 'Primark', 'Uniqlo', 'Springfield'],
  sportBrand: ['Nike', 'Adidas', 'Puma', 'Reebok', 'New Balance', 'Under Armour', 'Decathlon', 'The North Face'],
  bikeSize: ['S', 'M', 'L', 'XL'],
  hood: ['Centro', 'Casco Antiguo', 'Ensanche', 'zona Universidad', 'zona Norte', 'Chamberí', 'Triana', 'Gràcia', 'Ruzafa', 'Deusto'],
};

export function compileTemplate(source: string): Template {
  let position = 0;

  const parseSequence = (insideGroup: boolean): Part[] => {
    const parts: Part[] = [];
    let text = '';
    while (position < source.length) {
      const char = source[position]!;
      if (char === '{') {
        if (text) parts.push(text);
        text = '';
        position += 1;
        parts.push(parseGroup());
      } else if (insideGroup && (char === '|' || char === '}')) {
        break;
      } else if (char === '}' || char === '|') {
        throw new SyntaxError(`unexpected '${char}' at ${position} in template ${JSON.stringify(source)}`);
      } else {
        text += char;
        position += 1;
      }
    }
    if (text) parts.push(text);
    return parts;
  };

  const parseGroup = (): Part[][] => {
    if (source[position] === '@') {
      const end = source.indexOf('}', position);
      const name = source.slice(position + 1, end);
      const words = VOCABULARY[name];
      if (end < 0 || !words) throw new SyntaxError(`unknown word list {@${name}} in template ${JSON.stringify(source)}`);
      position = end + 1;
      return words.map((word) => (word ? [word] : []));
    }
    const alternatives: Part[][] = [];
    for (;;) {
      alternatives.push(parseSequence(true));
      const char = source[position];
      position += 1;
      if (char === '}') return alternatives;
      if (char !== '|') throw new SyntaxError(`unclosed '{' in template ${JSON.stringify(source)}`);
    }
  };

  const parts = parseSequence(false);
  return { source, parts };
}

export function expandTemplate(template: Template, random: Random): string {
  let out = '';
  const walk = (parts: Part[]): void => {
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else walk(part[random.int(part.length)]!);
    }
  };
  walk(template.parts);
  return out;
}
