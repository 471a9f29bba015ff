/**
 * TeX math fonts (CMMI/CMSY/CMEX/MSBM and their Latin Modern twins) are Type1 subsets whose /Differences
 * name every glyph used, yet pdf.js's Unicode for some codes is wrong: 'bar' comes out as '♣', Greek as
 * Latin-1 ('È' for psi, '¹' for theta: the old TeX shift of codes 0-32 into 0xA1+), big delimiters as
 * U+0000. The glyph names are the truth, so each such font gets a map from what pdf.js says to what the
 * name means, applied to the text runs of that font.
 */

/** Base names (subset tag removed) of fonts whose glyph names we trust over pdf.js's Unicode. */
const TEX_MATH_FONT = /^(CM(MI|MIB|SY|BSY|EX)\d|MS(AM|BM)\d|EU(SM|SB|FM|FB|RM|RB|EX)\d|LMMath(Italic|Symbols|Extension)|rsfs|stmary|wasy)/i;

const GREEK =
  'alpha α beta β gamma γ delta δ epsilon ϵ epsilon1 ε zeta ζ eta η theta θ theta1 ϑ iota ι kappa κ lambda λ mu μ nu ν xi ξ ' +
  'omicron ο pi π pi1 ϖ rho ρ rho1 ϱ sigma σ sigma1 ς tau τ upsilon υ phi ϕ phi1 φ chi χ psi ψ omega ω ' +
  'Gamma Γ Delta Δ Theta Θ Lambda Λ Xi Ξ Pi Π Sigma Σ Upsilon Υ Phi Φ Psi Ψ Omega Ω';

const SYMBOLS =
  'bar | bardbl ∥ minus − periodcentered · multiply × asteriskmath ∗ divide ÷ diamondmath ⋄ plusminus ± minusplus ∓ ' +
  'circleplus ⊕ circleminus ⊖ circlemultiply ⊗ circledivide ⊘ circledot ⊙ circlecopyrt ○ openbullet ∘ bullet • ' +
  'equivasymptotic ≍ equivalence ≡ reflexsubset ⊆ reflexsuperset ⊇ lessequal ≤ greaterequal ≥ precedesequal ⪯ ' +
  'followsequal ⪰ similar ∼ approxequal ≈ propersubset ⊂ propersuperset ⊃ lessmuch ≪ greatermuch ≫ precedes ≺ ' +
  'follows ≻ arrowleft ← arrowright → arrowup ↑ arrowdown ↓ arrowboth ↔ arrownortheast ↗ arrowsoutheast ↘ ' +
  'similarequal ≃ arrowdblleft ⇐ arrowdblright ⇒ arrowdblup ⇑ arrowdbldown ⇓ arrowdblboth ⇔ arrownorthwest ↖ ' +
  "arrowsouthwest ↙ proportional ∝ prime ′ infinity ∞ element ∈ owner ∋ triangle △ triangleinv ▽ negationslash ̸ " +
  'mapsto ↦ universal ∀ existential ∃ logicalnot ¬ emptyset ∅ Rfractur ℜ Ifractur ℑ latticetop ⊤ perpendicular ⊥ ' +
  'aleph ℵ union ∪ intersection ∩ unionmulti ⊎ logicaland ∧ logicalor ∨ turnstileleft ⊢ turnstileright ⊣ ' +
  'floorleft ⌊ floorright ⌋ ceilingleft ⌈ ceilingright ⌉ braceleft { braceright } angbracketleft ⟨ ' +
  'angbracketright ⟩ backslash \\ radical √ nabla ∇ integral ∫ unionsq ⊔ intersectionsq ⊓ subsetsqequal ⊑ ' +
  'supersetsqequal ⊒ section § dagger † daggerdbl ‡ paragraph ¶ club ♣ diamond ♢ heart ♡ spade ♠ ' +
  'partialdiff ∂ lscript ℓ weierstrass ℘ slash / period . comma , less < greater > star ⋆ dotlessi ı dotlessj ȷ ' +
  'arrowhookleft ↩ arrowhookright ↪ harpoonleftup ↼ harpoonrightup ⇀ tie ⁀ vector ⃗ flat ♭ natural ♮ sharp ♯';

/** Big operators and delimiters of CMEX: sizes collapse to the plain symbol, extension pieces to nothing. */
const EXTENSION: [RegExp, string][] = [
  [/^parenleft(big|Big|bigg|Bigg|tp)$/, '('],
  [/^parenright(big|Big|bigg|Bigg|tp)$/, ')'],
  [/^bracketleft(big|Big|bigg|Bigg|tp)$/, '['],
  [/^bracketright(big|Big|bigg|Bigg|tp)$/, ']'],
  [/^braceleft(big|Big|bigg|Bigg|tp)$/, '{'],
  [/^braceright(big|Big|bigg|Bigg|tp)$/, '}'],
  [/^(floor|ceiling)(left|right)(big|Big|bigg|Bigg)$/, ''],
  [/^angbracket(left|right)(big|Big|bigg|Bigg)$/, ''],
  [/^(paren|bracket|brace)(left|right)?(ex|bt|mid)$/, ''],
  [/^brace(ex|mid)$/, ''],
  [/^vextendsingle$/, '|'],
  [/^vextenddouble$/, '∥'],
  [/^summation(text|display)$/, '∑'],
  [/^product(text|display)$/, '∏'],
  [/^coproduct(text|display)$/, '∐'],
  [/^integral(text|display)$/, '∫'],
  [/^contintegral(text|display)$/, '∮'],
  [/^union(text|display)$/, '⋃'],
  [/^intersection(text|display)$/, '⋂'],
  [/^radical(big|Big|bigg|Bigg)?$/, '√'],
  [/^radical(bt|vertex|tp)$/, ''],
  [/^(hat|tilde)wide(r|st)?$/, ''],
];

function table(spec: string): Map<string, string> {
  const words = spec.split(' ');
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < words.length; i += 2) m.set(words[i], words[i + 1]);
  return m;
}

const NAMES = new Map([...table(GREEK), ...table(SYMBOLS)]);

/** What a TeX math glyph name stands for, or undefined where we do not know the name. */
export function texGlyphText(name: string): string | undefined {
  const known = NAMES.get(name);
  if (known !== undefined) return known;
  for (const [re, to] of EXTENSION) if (re.test(name)) return to;
  return undefined;
}

export function isTexMathFont(fontName: string): boolean {
  return TEX_MATH_FONT.test(fontName.replace(/^[A-Z]{6}\+/, ''));
}

/** The part of pdf.js's exported font data (fontExtraProperties) that the remap reads. */
export interface FontData {
  name?: string;
  differences?: (string | null | undefined)[] | Record<number, string>;
  toUnicode?: { _map?: (string | undefined)[] } | (string | undefined)[];
}

/**
 * pdf.js text -> corrected text for one font, or null when the font needs nothing. A character that two
 * named codes share with different meanings is left alone rather than guessed.
 */
export function texRemap(font: FontData): Map<string, string> | null {
  if (!font.name || !isTexMathFont(font.name) || !font.differences) return null;
  const tu = Array.isArray(font.toUnicode) ? font.toUnicode : font.toUnicode?._map;
  if (!tu) return null;
  const map = new Map<string, string>();
  const conflicts = new Set<string>();
  for (const [code, name] of Object.entries(font.differences)) {
    if (typeof name !== 'string') continue;
    const want = texGlyphText(name);
    const got = tu[Number(code)];
    if (want === undefined || typeof got !== 'string' || got === want) continue;
    const prev = map.get(got);
    if (prev !== undefined && prev !== want) conflicts.add(got);
    map.set(got, want);
  }
  for (const c of conflicts) map.delete(c);
  return map.size ? map : null;
}

export function applyRemap(s: string, map: ReadonlyMap<string, string>): string {
  let out = '';
  for (const ch of s) out += map.get(ch) ?? ch;
  return out;
}
